/**
 * The search index on disk and in memory (SEARCH_INDEX_VERSION 4): one binary file whose postings are
 * loaded as typed-array views over the file's own bytes, with no object or array per term or posting.
 * A 1,000-chapter course has ≈ 50,000 terms and 2.3 million postings; as JSON (version 2) they were
 * 41 MB of text that parsing turned into ≈ 600 MB of heap (docs/decisions/0029-memory.md).
 *
 * Layout (little-endian, every array aligned to its element size):
 *   'CCSI'  u32 version  u32 header length  header (UTF-8 JSON, padded with spaces to 4 bytes)
 *   termEnds  Uint32Array(termCount)       end of each term in termBytes
 *   rowStarts Uint32Array(termCount + 1)   term t's postings are rows rowStarts[t] … rowStarts[t+1] - 1
 *   docIds    Uint16Array | Uint32Array(rowCount), per term ascending (Uint16 below 65,536 docs)
 *   tfs       Uint8Array | Uint16Array | Uint32Array(rowCount × fieldCount), dense, 0 where absent
 *   termBytes UTF-8 of the terms, in byte order (so a lookup compares bytes, never decodes)
 * The header holds everything else of SearchIndexData (fields, avgLengths, words, synonyms, docs).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACT_FILES } from '../content/artifact.ts';
import type { SearchIndexData } from './index-builder.ts';

export const SEARCH_INDEX_FILE = ARTIFACT_FILES.searchIndex;
/** 4: with the common English words of english-words.ts (3 was without, 2 was JSON). The server refuses an index of another version. */
export const SEARCH_INDEX_VERSION = 4;
const MAGIC = 'CCSI';

export type DocIds = Uint16Array | Uint32Array;
export type TermFrequencies = Uint8Array | Uint16Array | Uint32Array;

/** One term's postings: `docs[i]` is the i-th doc containing it; its tf in field f is `tfs[i * fieldCount + f]`. */
export interface Postings {
	docs: DocIds;
	tfs: TermFrequencies;
}

/** The terms and their postings, looked up by binary search over the sorted term bytes. */
export class PackedPostings {
	readonly size: number;
	readonly fieldCount: number;
	/** Term t's postings are rows rowStarts[t] … rowStarts[t + 1] - 1 of docIds (and of tfs, times fieldCount). */
	readonly rowStarts: Uint32Array;
	readonly docIds: DocIds;
	readonly tfs: TermFrequencies;
	/** End of each term in termBytes. */
	readonly termEnds: Uint32Array;
	/** UTF-8 of the terms, sorted by bytes. */
	readonly termBytes: Uint8Array;
	private key = new Uint8Array(256);
	private readonly encoder = new TextEncoder();

	constructor(parts: {
		fieldCount: number;
		termEnds: Uint32Array;
		termBytes: Uint8Array;
		rowStarts: Uint32Array;
		docIds: DocIds;
		tfs: TermFrequencies;
	}) {
		this.fieldCount = parts.fieldCount;
		this.termEnds = parts.termEnds;
		this.termBytes = parts.termBytes;
		this.rowStarts = parts.rowStarts;
		this.docIds = parts.docIds;
		this.tfs = parts.tfs;
		this.size = parts.termEnds.length;
	}

	/** The index of `term`, or -1. */
	indexOf(term: string): number {
		// UTF-8 takes at most 3 bytes per UTF-16 unit.
		if (term.length * 3 > this.key.length) this.key = new Uint8Array(term.length * 3);
		const { written } = this.encoder.encodeInto(term, this.key);
		let lo = 0;
		let hi = this.size - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const c = this.compareAt(mid, written);
			if (c === 0) return mid;
			if (c < 0) lo = mid + 1;
			else hi = mid - 1;
		}
		return -1;
	}

	has(term: string): boolean {
		return this.indexOf(term) >= 0;
	}

	get(term: string): Postings | undefined {
		const t = this.indexOf(term);
		return t < 0 ? undefined : this.at(t);
	}

	/** Views over the shared arrays, made per lookup (a query looks up a handful of terms). */
	at(t: number): Postings {
		const start = this.rowStarts[t] as number;
		const end = this.rowStarts[t + 1] as number;
		return { docs: this.docIds.subarray(start, end), tfs: this.tfs.subarray(start * this.fieldCount, end * this.fieldCount) };
	}

	/** Term `t`'s bytes against the first `length` bytes of `this.key`: < 0 when the term sorts first. */
	private compareAt(t: number, length: number): number {
		const start = t === 0 ? 0 : (this.termEnds[t - 1] as number);
		const end = this.termEnds[t] as number;
		const n = Math.min(end - start, length);
		for (let i = 0; i < n; i++) {
			const d = (this.termBytes[start + i] as number) - (this.key[i] as number);
			if (d !== 0) return d;
		}
		return end - start - length;
	}
}

/** The index as the searcher runs on it: SearchIndexData without the file's version. */
export type PackedSearchIndex = Omit<SearchIndexData, 'version'>;

type Header = Omit<SearchIndexData, 'postings' | 'version'> & { termCount: number; rowCount: number; docBytes: 2 | 4; tfBytes: 1 | 2 | 4 };

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align = (n: number, to: number) => Math.ceil(n / to) * to;

/** Pure: the same index always gives the same bytes. The postings' arrays are copied as they are. */
export function encodeSearchIndex(data: PackedSearchIndex): Uint8Array {
	if (!littleEndian) throw new Error('The search index file is little-endian; this machine is not.');
	// A SearchIndexData carries the version too: the file says it before the header.
	const { postings, version: _version, ...rest } = data as PackedSearchIndex & { version?: number };
	// The decoder sizes the term frequencies by the header's fields.
	if (postings.fieldCount !== rest.fields.length) {
		throw new Error(`encodeSearchIndex: postings of ${postings.fieldCount} fields for an index of ${rest.fields.length}`);
	}
	const { termEnds, termBytes, rowStarts, docIds, tfs } = postings;
	const termCount = postings.size;
	const rowCount = docIds.length;
	const docBytes = docIds.BYTES_PER_ELEMENT as 2 | 4;
	const tfBytes = tfs.BYTES_PER_ELEMENT as 1 | 2 | 4;
	const header: Header = { ...rest, termCount, rowCount, docBytes, tfBytes };
	const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
	const headerEnd = align(12 + headerBytes.length, 4);
	const termEndsAt = headerEnd;
	const rowStartsAt = termEndsAt + 4 * termCount;
	const docIdsAt = rowStartsAt + 4 * (termCount + 1);
	const tfsAt = align(docIdsAt + docBytes * rowCount, 4);
	const termBytesAt = tfsAt + tfBytes * tfs.length;
	const termByteCount = termCount ? (termEnds[termCount - 1] as number) : 0;
	const out = Buffer.alloc(termBytesAt + termByteCount);
	out.write(MAGIC, 0, 'latin1');
	out.writeUInt32LE(SEARCH_INDEX_VERSION, 4);
	out.writeUInt32LE(headerBytes.length, 8);
	headerBytes.copy(out, 12);
	out.fill(' ', 12 + headerBytes.length, headerEnd);
	const copy = (array: ArrayBufferView, at: number) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
	copy(termEnds, termEndsAt);
	copy(rowStarts, rowStartsAt);
	copy(docIds, docIdsAt);
	copy(tfs, tfsAt);
	out.set(termBytes.subarray(0, termByteCount), termBytesAt);
	return out;
}

function tfArray(bytes: 1 | 2 | 4, buffer: ArrayBufferLike, offset: number, length: number): TermFrequencies {
	if (bytes === 1) return new Uint8Array(buffer, offset, length);
	return bytes === 2 ? new Uint16Array(buffer, offset, length) : new Uint32Array(buffer, offset, length);
}

/** Reads what encodeSearchIndex wrote, as views over `bytes` (kept alive by the result); refuses another version. */
export function decodeSearchIndex(input: Uint8Array, name: string = SEARCH_INDEX_FILE): PackedSearchIndex {
	if (!littleEndian) throw new Error('The search index file is little-endian; this machine is not.');
	// Typed-array views need aligned offsets; a pooled Buffer may start anywhere.
	const bytes = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const magic = bytes.byteLength >= 12 ? new TextDecoder('latin1').decode(bytes.subarray(0, 4)) : '';
	const version = magic === MAGIC ? view.getUint32(4, true) : undefined;
	if (version !== SEARCH_INDEX_VERSION) {
		throw new Error(
			`${name}: ${version === undefined ? 'not a search index' : `a search index of version ${version}`}; this server reads version ${SEARCH_INDEX_VERSION}: rebuild (and republish) the site`,
		);
	}
	const headerLength = view.getUint32(8, true);
	const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as Header;
	const { termCount, rowCount, docBytes, tfBytes, ...rest } = header;
	const fieldCount = header.fields.length;
	const base = bytes.byteOffset;
	const termEndsAt = align(12 + headerLength, 4);
	const rowStartsAt = termEndsAt + 4 * termCount;
	const docIdsAt = rowStartsAt + 4 * (termCount + 1);
	const tfsAt = align(docIdsAt + docBytes * rowCount, 4);
	const termBytesAt = tfsAt + tfBytes * rowCount * fieldCount;
	const termEnds = new Uint32Array(bytes.buffer, base + termEndsAt, termCount);
	const termByteCount = termCount ? (termEnds[termCount - 1] as number) : 0;
	if (termBytesAt + termByteCount !== bytes.byteLength) throw new Error(`${name}: truncated or corrupt search index; rebuild the site`);
	const postings = new PackedPostings({
		fieldCount,
		termEnds,
		termBytes: bytes.subarray(termBytesAt),
		rowStarts: new Uint32Array(bytes.buffer, base + rowStartsAt, termCount + 1),
		docIds:
			docBytes === 2 ? new Uint16Array(bytes.buffer, base + docIdsAt, rowCount) : new Uint32Array(bytes.buffer, base + docIdsAt, rowCount),
		tfs: tfArray(tfBytes, bytes.buffer, base + tfsAt, rowCount * fieldCount),
	});
	return { ...rest, postings };
}

/** Reads `<privateDir>/search-index.bin` as written by writeSearchIndex. */
export async function loadSearchIndex(privateDir: string): Promise<PackedSearchIndex> {
	const file = path.join(privateDir, SEARCH_INDEX_FILE);
	return decodeSearchIndex(await readFile(file), file);
}
