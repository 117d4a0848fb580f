import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, toCsv } from '../../../src/domain/csv.ts';

describe('csv', () => {
	it('quotes fields with quotes, commas and line breaks (RFC 4180)', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell(null)).toBe('');
		expect(csvCell(42)).toBe('42');
		expect(csvCell(-3)).toBe('-3');
	});

	it('prefixes text that a spreadsheet would run as a formula', () => {
		expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx"]);
		expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvCell('a=b')).toBe('a=b');
	});

	it('starts with a BOM and ends every row with CRLF', () => {
		expect(
			toCsv(
				['name', 'n'],
				[
					['Ann', 1],
					['Bo, Jr', null],
				],
			),
		).toBe(`${CSV_BOM}name,n\r\nAnn,1\r\n"Bo, Jr",\r\n`);
	});
});
