/**
 * The search index on disk and in memory (SEARCH_INDEX_VERSION 5): one binary file whose postings and
 * passages are loaded as typed-array views over the file's own bytes, with no object or array per term or
 * posting and no string per passage until a hit shows it. A 1,000-chapter course has ≈ 50,000 terms,
 * 2.3 million postings and 13,000 passages; as JSON (version 2) they were 41 MB of text that parsing turned
 * into ≈ 600 MB of heap (docs/decisions/0029-memory.md), and version 4's dense term frequencies and
 * passages in the JSON header held 16 MB of zeros and 10 MB of strings (decision 0040).
 *
 * Layout (little-endian, every array aligned to its element size; `layout` below is the one definition):
 *   'CCSI'  u32 version  u32 header length  header (UTF-8 JSON)
 *   termEnds    Uint32Array(termCount)       end of each term in termBytes
 *   rowStarts   Uint32Array(termCount + 1)   term t's postings are rows rowStarts[t] … rowStarts[t+1] - 1
 *   valueStarts Uint32Array(termCount + 1)   term t's term frequencies are tfValues[valueStarts[t] …]
 *   passageEnds Uint32Array(docCount)        end of each doc's passage in passageBytes
 *   docIds      Uint16Array | Uint32Array(rowCount), per term ascending (Uint16 below 65,536 docs)
 *   fieldMasks  Uint8Array | Uint16Array | Uint32Array(rowCount): bit f set when the row's term is in field f
 *   tfValues    Uint8Array | Uint16Array | Uint32Array(valueCount): the term frequencies that are not 0, row
 *               by row, in field order (a term is in 1.2 of the 7 fields on average)
 *   termBytes   UTF-8 of the terms, in byte order (so a lookup compares bytes, never decodes)
 *   passageBytes UTF-8 of the passages, in doc order
 * The header holds everything else of SearchIndexData (fields, avgLengths, words, synonyms, docs).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACT_FILES } from '../content/artifact.ts';
import type { SearchIndexData } from './index-builder.ts';

export const SEARCH_INDEX_FILE = ARTIFACT_FILES.searchIndex;
/**
 * 5: term frequencies stored sparse, passages as bytes apart from the header (4 had dense frequencies and the
 * passages in the header, 3 no common English words, 2 was JSON). The server refuses an index of another version.
 */
export const SEARCH_INDEX_VERSION = 5;
const MAGIC = 'CCSI';

export type DocIds = Uint16Array | Uint32Array;
export type UintArray = Uint8Array | Uint16Array | Uint32Array;

/** The narrowest unsigned array that holds `max`. */
export function uintArrayFor(max: number, length: number): UintArray {
	if (max < 0x100) return new Uint8Array(length);
	return max < 0x10000 ? new Uint16Array(length) : new Uint32Array(length);
}

function uintView(bytes: 1 | 2 | 4, buffer: ArrayBufferLike, offset: number, length: number): UintArray {
	if (bytes === 1) return new Uint8Array(buffer, offset, length);
	return bytes === 2 ? new Uint16Array(buffer, offset, length) : new Uint32Array(buffer, offset, length);
}

/** A set bit per field: how many fields a row's mask can name. */
export const MAX_FIELDS = 32;

/**
 * The terms and their postings, looked up by binary search over the sorted term bytes. A posting (row) is a
 * doc and a field mask; its term frequencies are the next popcount(mask) values of the term's tfValues, so
 * they are read by walking a term's rows in order (`eachRow`, and the scoring loop in search.ts).
 */
export class PackedPostings {
	readonly size: number;
	readonly fieldCount: number;
	/** Term t's postings are rows rowStarts[t] … rowStarts[t + 1] - 1 of docIds and fieldMasks. */
	readonly rowStarts: Uint32Array;
	/** Term t's term frequencies start at tfValues[valueStarts[t]]. */
	readonly valueStarts: Uint32Array;
	readonly docIds: DocIds;
	/** Per row, bit f set when the term occurs in field f. */
	readonly fieldMasks: UintArray;
	/** The rows' non-zero term frequencies, row by row, in field order. */
	readonly tfValues: UintArray;
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
		valueStarts: Uint32Array;
		docIds: DocIds;
		fieldMasks: UintArray;
		tfValues: UintArray;
	}) {
		if (parts.fieldCount > MAX_FIELDS) throw new Error(`PackedPostings: ${parts.fieldCount} fields; a field mask holds ${MAX_FIELDS}`);
		this.fieldCount = parts.fieldCount;
		this.termEnds = parts.termEnds;
		this.termBytes = parts.termBytes;
		this.rowStarts = parts.rowStarts;
		this.valueStarts = parts.valueStarts;
		this.docIds = parts.docIds;
		this.fieldMasks = parts.fieldMasks;
		this.tfValues = parts.tfValues;
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

	/** How many docs contain `term` (0 when none does). */
	docCount(term: string): number {
		const t = this.indexOf(term);
		return t < 0 ? 0 : (this.rowStarts[t + 1] as number) - (this.rowStarts[t] as number);
	}

	/** Term `t`'s postings in doc order, each with its term frequency per field (0 where absent). */
	eachRow(t: number, visit: (doc: number, tfs: readonly number[]) => void): void {
		const tfs = new Array<number>(this.fieldCount);
		let v = this.valueStarts[t] as number;
		for (let r = this.rowStarts[t] as number, end = this.rowStarts[t + 1] as number; r < end; r++) {
			const mask = this.fieldMasks[r] as number;
			for (let f = 0; f < this.fieldCount; f++) tfs[f] = (mask >>> f) & 1 ? (this.tfValues[v++] as number) : 0;
			visit(this.docIds[r] as number, tfs);
		}
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

/** Each doc's passage by doc number. */
export interface Passages {
	readonly count: number;
	at(doc: number): string;
}

/** The builder's passages, as strings. */
export function passageList(passages: readonly string[]): Passages {
	return { count: passages.length, at: (doc) => passages[doc] ?? '' };
}

/** Passages decoded from the file's bytes when a hit shows one: the index holds no string per passage. */
class StoredPassages implements Passages {
	private readonly decoder = new TextDecoder();
	private readonly ends: Uint32Array;
	private readonly bytes: Uint8Array;
	constructor(ends: Uint32Array, bytes: Uint8Array) {
		this.ends = ends;
		this.bytes = bytes;
	}
	get count(): number {
		return this.ends.length;
	}
	at(doc: number): string {
		if (doc < 0 || doc >= this.ends.length) return '';
		const start = doc === 0 ? 0 : (this.ends[doc - 1] as number);
		return this.decoder.decode(this.bytes.subarray(start, this.ends[doc]));
	}
}

/** The index as the searcher runs on it: SearchIndexData without the file's version. */
export type PackedSearchIndex = Omit<SearchIndexData, 'version'>;

interface Counts {
	termCount: number;
	rowCount: number;
	valueCount: number;
	docCount: number;
	termByteCount: number;
	passageByteCount: number;
	docBytes: 2 | 4;
	maskBytes: 1 | 2 | 4;
	tfBytes: 1 | 2 | 4;
}

type Header = Omit<SearchIndexData, 'postings' | 'version' | 'passages'> & Counts;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align = (n: number, to: number) => Math.ceil(n / to) * to;

/** Where each array starts in a file whose header is `headerLength` bytes: the one definition of the layout. */
function layout(headerLength: number, c: Counts) {
	let at = 12 + headerLength;
	const next = (bytesPerElement: number, length: number) => {
		const start = align(at, bytesPerElement);
		at = start + bytesPerElement * length;
		return start;
	};
	const offsets = {
		termEnds: next(4, c.termCount),
		rowStarts: next(4, c.termCount + 1),
		valueStarts: next(4, c.termCount + 1),
		passageEnds: next(4, c.docCount),
		docIds: next(c.docBytes, c.rowCount),
		fieldMasks: next(c.maskBytes, c.rowCount),
		tfValues: next(c.tfBytes, c.valueCount),
		termBytes: next(1, c.termByteCount),
		passageBytes: next(1, c.passageByteCount),
	};
	return { offsets, end: at };
}

/** Pure: the same index always gives the same bytes. The postings' arrays are copied as they are. */
export function encodeSearchIndex(data: PackedSearchIndex): Uint8Array {
	if (!littleEndian) throw new Error('The search index file is little-endian; this machine is not.');
	// A SearchIndexData carries the version too: the file says it before the header.
	const { postings, passages, version: _version, ...rest } = data as PackedSearchIndex & { version?: number };
	// The decoder sizes the field masks by the header's fields.
	if (postings.fieldCount !== rest.fields.length) {
		throw new Error(`encodeSearchIndex: postings of ${postings.fieldCount} fields for an index of ${rest.fields.length}`);
	}
	if (passages.count !== rest.docs.length) throw new Error(`encodeSearchIndex: ${passages.count} passages for ${rest.docs.length} docs`);
	const passageParts = Array.from({ length: passages.count }, (_, doc) => Buffer.from(passages.at(doc), 'utf8'));
	const passageEnds = new Uint32Array(passageParts.length);
	let passageByteCount = 0;
	passageParts.forEach((part, doc) => {
		passageByteCount += part.length;
		passageEnds[doc] = passageByteCount;
	});
	const { termEnds, termBytes, rowStarts, valueStarts, docIds, fieldMasks, tfValues } = postings;
	const counts: Counts = {
		termCount: postings.size,
		rowCount: docIds.length,
		valueCount: tfValues.length,
		docCount: rest.docs.length,
		termByteCount: postings.size ? (termEnds[postings.size - 1] as number) : 0,
		passageByteCount,
		docBytes: docIds.BYTES_PER_ELEMENT as 2 | 4,
		maskBytes: fieldMasks.BYTES_PER_ELEMENT as 1 | 2 | 4,
		tfBytes: tfValues.BYTES_PER_ELEMENT as 1 | 2 | 4,
	};
	const headerBytes = Buffer.from(JSON.stringify({ ...rest, ...counts } satisfies Header), 'utf8');
	const { offsets, end } = layout(headerBytes.length, counts);
	const out = Buffer.alloc(end);
	out.write(MAGIC, 0, 'latin1');
	out.writeUInt32LE(SEARCH_INDEX_VERSION, 4);
	out.writeUInt32LE(headerBytes.length, 8);
	headerBytes.copy(out, 12);
	const copy = (array: ArrayBufferView, at: number) => out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
	copy(termEnds, offsets.termEnds);
	copy(rowStarts, offsets.rowStarts);
	copy(valueStarts, offsets.valueStarts);
	copy(passageEnds, offsets.passageEnds);
	copy(docIds, offsets.docIds);
	copy(fieldMasks, offsets.fieldMasks);
	copy(tfValues, offsets.tfValues);
	out.set(termBytes.subarray(0, counts.termByteCount), offsets.termBytes);
	let at = offsets.passageBytes;
	for (const part of passageParts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

const WIDTHS = [1, 2, 4];
const isCount = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;

/** The header's counts and widths are what the layout needs; its other fields are as the encoder wrote them. */
function isHeader(h: unknown): h is Header {
	if (typeof h !== 'object' || h === null) return false;
	const x = h as Record<string, unknown>;
	return (
		Array.isArray(x.fields) &&
		x.fields.length <= MAX_FIELDS &&
		Array.isArray(x.docs) &&
		x.docs.length === x.docCount &&
		['termCount', 'rowCount', 'valueCount', 'docCount', 'termByteCount', 'passageByteCount'].every((k) => isCount(x[k])) &&
		(x.docBytes === 2 || x.docBytes === 4) &&
		WIDTHS.includes(x.maskBytes as number) &&
		WIDTHS.includes(x.tfBytes as number)
	);
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
	const corrupt = () => new Error(`${name}: truncated or corrupt search index; rebuild the site`);
	const headerLength = view.getUint32(8, true);
	if (12 + headerLength > bytes.byteLength) throw corrupt();
	let header: Header;
	try {
		header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength))) as Header;
	} catch {
		throw corrupt();
	}
	if (!isHeader(header)) throw corrupt();
	const { termCount, rowCount, valueCount, docCount, termByteCount, passageByteCount, docBytes, maskBytes, tfBytes, ...rest } = header;
	const { offsets, end } = layout(headerLength, header);
	if (end !== bytes.byteLength) throw corrupt();
	const base = bytes.byteOffset;
	const u32 = (at: number, length: number) => new Uint32Array(bytes.buffer, base + at, length);
	const postings = new PackedPostings({
		fieldCount: header.fields.length,
		termEnds: u32(offsets.termEnds, termCount),
		termBytes: bytes.subarray(offsets.termBytes, offsets.termBytes + termByteCount),
		rowStarts: u32(offsets.rowStarts, termCount + 1),
		valueStarts: u32(offsets.valueStarts, termCount + 1),
		docIds: uintView(docBytes, bytes.buffer, base + offsets.docIds, rowCount) as DocIds,
		fieldMasks: uintView(maskBytes, bytes.buffer, base + offsets.fieldMasks, rowCount),
		tfValues: uintView(tfBytes, bytes.buffer, base + offsets.tfValues, valueCount),
	});
	// The chapter's fields repeat in each of its sections: one string each, not one per section (JSON.parse makes a copy per value).
	const strings = new Map<string, string>();
	const intern = (text: string) => {
		const seen = strings.get(text);
		if (seen !== undefined) return seen;
		strings.set(text, text);
		return text;
	};
	for (const doc of rest.docs) {
		doc.chapterId = intern(doc.chapterId);
		doc.chapterTitle = intern(doc.chapterTitle);
		doc.tier = intern(doc.tier);
		if (doc.parentHeading !== undefined) doc.parentHeading = intern(doc.parentHeading);
	}
	const passageEnds = u32(offsets.passageEnds, docCount);
	// The arrays' last offsets must meet the counts the sizes were computed from.
	const lastOf = (array: Uint32Array) => (array.length ? (array[array.length - 1] as number) : 0);
	if (
		lastOf(postings.rowStarts) !== rowCount ||
		lastOf(postings.valueStarts) !== valueCount ||
		lastOf(postings.termEnds) !== termByteCount ||
		lastOf(passageEnds) !== passageByteCount
	) {
		throw corrupt();
	}
	const passages = new StoredPassages(passageEnds, bytes.subarray(offsets.passageBytes, offsets.passageBytes + passageByteCount));
	return { ...rest, postings, passages };
}

/** Reads `<privateDir>/search-index.bin` as written by writeSearchIndex. */
export async function loadSearchIndex(privateDir: string): Promise<PackedSearchIndex> {
	const file = path.join(privateDir, SEARCH_INDEX_FILE);
	return decodeSearchIndex(await readFile(file), file);
}
