/**
 * Gathers postings doc by doc and lays them out term by term, as the index file stores them
 * (index-file.ts), without an array per posting: rows go into typed arrays as they come, then one counting
 * sort by term. At 1,000 chapters (2.3 million postings) the array-per-posting form held ≈ 500 MB of heap
 * during the build; these arrays hold ≈ 50 MB.
 */
import { MAX_FIELDS, PackedPostings, uintArrayFor } from './index-file.ts';

/** A typed array of at least `length` elements holding `array`'s first `used`, grown by half when full. */
function ensure<T extends Uint16Array | Uint32Array>(array: T, length: number, used: number): T {
	if (length <= array.length) return array;
	const next = new (array.constructor as new (n: number) => T)(Math.max(length, Math.ceil(array.length * 1.5)));
	next.set(array.subarray(0, used));
	return next;
}

export class PostingsBuilder {
	private readonly termIds = new Map<string, number>();
	private readonly terms: string[] = [];
	private rowTerm = new Uint32Array(1024);
	private rowDoc = new Uint32Array(1024);
	/** `fieldCount` per row; widened to 32 bits if a term frequency ever passes 65,535. */
	private rowTfs: Uint16Array | Uint32Array;
	private rows = 0;
	private maxTf = 0;

	readonly fieldCount: number;

	constructor(fieldCount: number) {
		if (fieldCount > MAX_FIELDS) throw new Error(`PostingsBuilder: ${fieldCount} fields; a field mask holds ${MAX_FIELDS}`);
		this.fieldCount = fieldCount;
		this.rowTfs = new Uint16Array(1024 * fieldCount);
	}

	/** One posting: `term` occurs in `doc` with `tfs[f]` occurrences in field f. Rows of a term keep the order they are added in. */
	add(term: string, doc: number, tfs: ArrayLike<number>): void {
		let id = this.termIds.get(term);
		if (id === undefined) {
			id = this.terms.length;
			this.termIds.set(term, id);
			this.terms.push(term);
		}
		const row = this.rows++;
		this.rowTerm = ensure(this.rowTerm, this.rows, row);
		this.rowDoc = ensure(this.rowDoc, this.rows, row);
		this.rowTfs = ensure(this.rowTfs, this.rows * this.fieldCount, row * this.fieldCount);
		this.rowTerm[row] = id;
		this.rowDoc[row] = doc;
		for (let f = 0; f < this.fieldCount; f++) {
			const tf = tfs[f] ?? 0;
			if (tf > this.maxTf) this.maxTf = tf;
			if (tf > 0xffff && this.rowTfs instanceof Uint16Array) this.rowTfs = Uint32Array.from(this.rowTfs);
			this.rowTfs[row * this.fieldCount + f] = tf;
		}
	}

	/**
	 * Terms sorted by their UTF-8 bytes (a lookup compares bytes), each term's rows in the order added. Doc ids
	 * take 16 bits up to 65,536 docs, field masks a bit per field, term frequencies the fewest bytes that hold the largest.
	 */
	build(docCount: number): PackedPostings {
		const { fieldCount, rows } = this;
		const encoded = this.terms.map((term, id) => ({ id, bytes: Buffer.from(term, 'utf8') }));
		encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
		const rank = new Uint32Array(encoded.length);
		encoded.forEach(({ id }, t) => {
			rank[id] = t;
		});
		const rowStarts = new Uint32Array(encoded.length + 1);
		for (let r = 0; r < rows; r++) {
			const t = rank[this.rowTerm[r] as number] as number;
			rowStarts[t + 1] = (rowStarts[t + 1] as number) + 1;
		}
		for (let t = 0; t < encoded.length; t++) rowStarts[t + 1] = (rowStarts[t + 1] as number) + (rowStarts[t] as number);
		const docIds = docCount <= 0x10000 ? new Uint16Array(rows) : new Uint32Array(rows);
		// Only the term frequencies that are not 0 are kept, behind a mask per row (index-file.ts).
		const valueStarts = new Uint32Array(encoded.length + 1);
		for (let r = 0; r < rows; r++) {
			const t = rank[this.rowTerm[r] as number] as number;
			for (let f = 0; f < fieldCount; f++) if (this.rowTfs[r * fieldCount + f]) valueStarts[t + 1] = (valueStarts[t + 1] as number) + 1;
		}
		for (let t = 0; t < encoded.length; t++) valueStarts[t + 1] = (valueStarts[t + 1] as number) + (valueStarts[t] as number);
		const fieldMasks = uintArrayFor(fieldCount > 16 ? 0x10000 : fieldCount > 8 ? 0x100 : 0, rows);
		const tfValues = uintArrayFor(this.maxTf, valueStarts[encoded.length] as number);
		const nextRow = rowStarts.slice(0, encoded.length);
		const nextValue = valueStarts.slice(0, encoded.length);
		for (let r = 0; r < rows; r++) {
			const t = rank[this.rowTerm[r] as number] as number;
			const to = nextRow[t] as number;
			nextRow[t] = to + 1;
			docIds[to] = this.rowDoc[r] as number;
			let mask = 0;
			let v = nextValue[t] as number;
			for (let f = 0; f < fieldCount; f++) {
				const tf = this.rowTfs[r * fieldCount + f] as number;
				if (tf === 0) continue;
				mask |= 1 << f;
				tfValues[v++] = tf;
			}
			nextValue[t] = v;
			fieldMasks[to] = mask >>> 0;
		}
		const termEnds = new Uint32Array(encoded.length);
		const termBytes = new Uint8Array(encoded.reduce((sum, e) => sum + e.bytes.length, 0));
		let end = 0;
		encoded.forEach(({ bytes }, t) => {
			termBytes.set(bytes, end);
			end += bytes.length;
			termEnds[t] = end;
		});
		return new PackedPostings({ fieldCount, termEnds, termBytes, rowStarts, valueStarts, docIds, fieldMasks, tfValues });
	}

	/** Postings written as `term → [doc, field, tf, field, tf, …]` rows (only fields where tf > 0), e.g. in tests. */
	static fromRows(fieldCount: number, docCount: number, rows: Record<string, number[][]>): PackedPostings {
		const builder = new PostingsBuilder(fieldCount);
		for (const [term, list] of Object.entries(rows)) {
			for (const [doc, ...pairs] of list) {
				const tfs = new Array<number>(fieldCount).fill(0);
				for (let i = 0; i + 1 < pairs.length; i += 2) tfs[pairs[i] as number] = pairs[i + 1] as number;
				builder.add(term, doc as number, tfs);
			}
		}
		return builder.build(docCount);
	}
}
