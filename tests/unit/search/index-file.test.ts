/**
 * The search index file (src/search/index-file.ts): what the encoder writes, the decoder reads back exactly,
 * whatever the widths it picks, and a file of another version or a cut-off file is refused with a message
 * that says to rebuild.
 */
import { describe, expect, it } from 'vitest';
import { SEARCH_FIELDS, type SearchDoc, type SearchIndexData } from '../../../src/search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex, SEARCH_INDEX_VERSION } from '../../../src/search/index-file.ts';
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
		passage: 'Text',
		lengths: SEARCH_FIELDS.map(() => 1),
	};
}

function index(docCount: number, postings: Record<string, number[][]>): SearchIndexData {
	return {
		version: SEARCH_INDEX_VERSION,
		fields: [...SEARCH_FIELDS],
		docs: Array.from({ length: docCount }, (_, i) => doc(i)),
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
	const list = postings.get(term);
	if (!list) return undefined;
	return Array.from(list.docs, (d, r) => {
		const row = [d];
		for (let f = 0; f < postings.fieldCount; f++) {
			const tf = list.tfs[r * postings.fieldCount + f] ?? 0;
			if (tf) row.push(f, tf);
		}
		return row;
	});
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
	});
});
