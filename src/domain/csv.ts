/**
 * CSV as spreadsheets read it: RFC 4180 (CRLF rows; a field with a quote, comma or line break is
 * quoted, quotes doubled), a UTF-8 byte-order mark so Excel picks UTF-8, and text cells that a
 * spreadsheet would run as a formula (= + - @, tab, carriage return first) prefixed with `'`
 * (OWASP "CSV injection"). Numbers are written as numbers and never prefixed.
 */
export type CsvCell = string | number | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let text = String(value);
	if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
	return CSV_BOM + [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
