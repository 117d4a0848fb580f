/**
 * The search index file (src/search/index-file.ts): what the encoder writes, the decoder reads back exactly,
 * whatever the widths it picks, and a file of another version or a cut-off file is refused with a message
 * that says to rebuild.
 */
import { describe, expect, it } from 'vitest';
import { SEARCH_FIELDS, type SearchDoc, type SearchIndexData } from '../../../src/search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex, passageList, SEARCH_INDEX_VERSION } from '../../../src/search/index-file.ts';
import { PostingsBuilder } from '../../../src/search/postings-builder.ts';

function doc(i: number): SearchDoc {
	return {
		chapterId: `c${i}`,
		chapterTitle: `Chapter ${i}`,
		chapterOrder: i,
		position: 0,
		heading: 'Intro',
		depth: 1,
		anchor: '',
		tier: 'free',
		lengths: SEARCH_FIELDS.map(() => 1),
	};
}

function index(docCount: number, postings: Record<string, number[][]>): SearchIndexData {
	return {
		version: SEARCH_INDEX_VERSION,
		fields: [...SEARCH_FIELDS],
		docs: Array.from({ length: docCount }, (_, i) => doc(i)),
		passages: passageList(Array.from({ length: docCount }, (_, i) => (i % 3 === 1 ? '' : `Passage ${i}: ‘quoted’ — 日本 𝒳`))),
		avgLengths: SEARCH_FIELDS.map(() => 1),
		words: ['kernel'],
		englishWords: ['colonel'],
		synonyms: { kernel: [['core']] },
		postings: PostingsBuilder.fromRows(SEARCH_FIELDS.length, docCount, postings),
	};
}

/** The postings as `[doc, field, tf, …]` rows again, read through the public lookup. */
function rowsOf(bytes: Uint8Array, term: string): number[][] | undefined {
	const { postings } = decodeSearchIndex(bytes);
	const t = postings.indexOf(term);
	if (t < 0) return undefined;
	const rows: number[][] = [];
	postings.eachRow(t, (doc, tfs) => {
		const row = [doc];
		tfs.forEach((tf, f) => {
			if (tf) row.push(f, tf);
		});
		rows.push(row);
	});
	expect(postings.docCount(term)).toBe(rows.length);
	return rows;
}

describe('the search index file', () => {
	it('reads back every term and posting, terms with any letters, and nothing else', () => {
		const postings = { kernel: [[0, 5, 2]], 'kernel buffer': [[1, 0, 1, 5, 3]], épée: [[2, 1, 1]], 日本: [[0, 5, 1]], 𝒳: [[1, 5, 1]] };
		const bytes = encodeSearchIndex(index(3, postings));
		for (const [term, rows] of Object.entries(postings)) expect(rowsOf(bytes, term), term).toEqual(rows);
		expect(rowsOf(bytes, 'kern')).toBeUndefined();
		expect(rowsOf(bytes, '')).toBeUndefined();
		const decoded = decodeSearchIndex(bytes);
		expect(decoded.postings.size).toBe(5);
		expect(decoded.docs).toEqual(index(3, {}).docs);
		// Passages come back as written, empty ones and any script included, and nothing past the last doc.
		expect(Array.from({ length: 3 }, (_, i) => decoded.passages.at(i))).toEqual([
			'Passage 0: ‘quoted’ — 日本 𝒳',
			'',
			'Passage 2: ‘quoted’ — 日本 𝒳',
		]);
		expect(decoded.passages.count).toBe(3);
		expect(decoded.passages.at(3)).toBe('');
		expect(decoded.synonyms).toEqual({ kernel: [['core']] });
	});

	it('widens doc ids past 65,536 docs and term frequencies past 255 and 65,535', () => {
		const many = 70_000;
		const bytes = encodeSearchIndex(index(many, { big: [[many - 1, 5, 300]], huge: [[3, 0, 70_000]], small: [[many - 2, 5, 1]] }));
		expect(rowsOf(bytes, 'big')).toEqual([[many - 1, 5, 300]]);
		expect(rowsOf(bytes, 'huge')).toEqual([[3, 0, 70_000]]);
		expect(rowsOf(bytes, 'small')).toEqual([[many - 2, 5, 1]]);
	});

	it('is the same bytes for the same index and for the index read back, and reads from an unaligned copy', () => {
		const data = index(2, { b: [[0, 5, 1]], a: [[1, 5, 2]] });
		const bytes = encodeSearchIndex(data);
		expect(Buffer.from(encodeSearchIndex(index(2, { b: [[0, 5, 1]], a: [[1, 5, 2]] }))).equals(Buffer.from(bytes))).toBe(true);
		expect(Buffer.from(encodeSearchIndex(decodeSearchIndex(bytes))).equals(Buffer.from(bytes))).toBe(true);
		const shifted = new Uint8Array(bytes.byteLength + 1).subarray(1);
		shifted.set(bytes);
		expect(rowsOf(shifted, 'a')).toEqual([[1, 5, 2]]);
	});

	it('keeps a bit per field in the row masks, 8, 16 or 32 bits wide', () => {
		for (const [fieldCount, width] of [
			[7, 1],
			[12, 2],
			[20, 4],
			[32, 4],
		] as const) {
			const last = fieldCount - 1;
			const postings = PostingsBuilder.fromRows(fieldCount, 2, {
				a: [
					[0, 0, 1, last, 9],
					[1, last, 2],
				],
			});
			expect(postings.fieldMasks.BYTES_PER_ELEMENT, `${fieldCount} fields`).toBe(width);
			const rows: number[][] = [];
			postings.eachRow(postings.indexOf('a'), (doc, tfs) => rows.push([doc, ...tfs]));
			const tfsOf = (pairs: Record<number, number>) => Array.from({ length: fieldCount }, (_, f) => pairs[f] ?? 0);
			expect(rows).toEqual([
				[0, ...tfsOf({ 0: 1, [last]: 9 })],
				[1, ...tfsOf({ [last]: 2 })],
			]);
		}
		expect(() => new PostingsBuilder(33)).toThrow(/33 fields; a field mask holds 32/);
		// Through the file too, bit 31 (the mask's sign bit as an int32) included.
		const fields = Array.from({ length: 32 }, (_, f) => `f${f}`) as unknown as SearchIndexData['fields'];
		const wide: SearchIndexData = {
			...index(2, {}),
			fields,
			docs: index(2, {}).docs.map((d) => ({ ...d, lengths: fields.map(() => 1) })),
			avgLengths: fields.map(() => 1),
			postings: PostingsBuilder.fromRows(32, 2, {
				a: [
					[0, 0, 1, 31, 9],
					[1, 5, 3, 30, 2, 31, 7],
				],
			}),
		};
		const decoded = decodeSearchIndex(encodeSearchIndex(wide));
		const rows: number[][] = [];
		decoded.postings.eachRow(decoded.postings.indexOf('a'), (doc, tfs) => rows.push([doc, ...tfs.flatMap((tf, f) => (tf ? [f, tf] : []))]));
		expect(rows).toEqual([
			[0, 0, 1, 31, 9],
			[1, 5, 3, 30, 2, 31, 7],
		]);
	});

	it("keeps each term's docs in the order they were added while the terms arrive interleaved", () => {
		const builder = new PostingsBuilder(SEARCH_FIELDS.length);
		const tfs = (field: number, tf: number) => SEARCH_FIELDS.map((_, f) => (f === field ? tf : 0));
		builder.add('zeta', 0, tfs(5, 1));
		builder.add('alpha', 0, tfs(0, 2));
		builder.add('zeta', 1, tfs(5, 3));
		builder.add('mid', 1, tfs(1, 1));
		builder.add('alpha', 2, tfs(5, 4));
		const bytes = encodeSearchIndex({ ...index(3, {}), postings: builder.build(3) });
		expect(rowsOf(bytes, 'alpha')).toEqual([
			[0, 0, 2],
			[2, 5, 4],
		]);
		expect(rowsOf(bytes, 'zeta')).toEqual([
			[0, 5, 1],
			[1, 5, 3],
		]);
		expect(rowsOf(bytes, 'mid')).toEqual([[1, 1, 1]]);
		expect(decodeSearchIndex(bytes).postings.size).toBe(3);
	});

	it('refuses another version, another file and a cut-off file, saying to rebuild', () => {
		const bytes = Buffer.from(encodeSearchIndex(index(1, { a: [[0, 5, 1]] })));
		const older = Buffer.from(bytes);
		older.writeUInt32LE(SEARCH_INDEX_VERSION - 1, 4);
		expect(() => decodeSearchIndex(older)).toThrow(
			`a search index of version ${SEARCH_INDEX_VERSION - 1}; this server reads version ${SEARCH_INDEX_VERSION}: rebuild`,
		);
		expect(() => decodeSearchIndex(Buffer.from('{"version":2}'))).toThrow(/not a search index.*rebuild/);
		expect(() => decodeSearchIndex(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated or corrupt.*rebuild/);
		// A damaged header, and offsets that do not meet the counts in the header, are corrupt too.
		const badJson = Buffer.from(bytes);
		badJson[12] = 'x'.charCodeAt(0);
		expect(() => decodeSearchIndex(badJson)).toThrow(/truncated or corrupt.*rebuild/);
		const { postings } = decodeSearchIndex(bytes);
		const badOffsets = Buffer.from(bytes);
		const lastRowStart = postings.rowStarts.byteOffset - bytes.byteOffset + 4 * (postings.rowStarts.length - 1);
		badOffsets.writeUInt32LE(badOffsets.readUInt32LE(lastRowStart) + 1, lastRowStart);
		expect(() => decodeSearchIndex(badOffsets)).toThrow(/truncated or corrupt.*rebuild/);
	});
});
