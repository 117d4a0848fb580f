/**
 * The one place driver type differences are evened out, so `schema.ts` holds on every driver:
 * PGlite already returns int8 as a number and bytea as a Uint8Array; `pg` and Neon are taught to.
 * Both keep `date` as its 'YYYY-MM-DD' text, which no time zone can shift.
 */

const OID_BYTEA = 17;
const OID_INT8 = 20;
const OID_DATE = 1082;

/** PGlite's `parsers` option: would otherwise turn `date` into a Date at local midnight. */
export const pgliteParsers = { [OID_DATE]: (value: string) => value };

/** Parses an int8 like PGlite does: a number when it fits, else a bigint. */
function parseInt8(value: string): number | bigint {
	const n = Number(value);
	return Number.isSafeInteger(n) ? n : BigInt(value);
}

type TypeParserSource = { getTypeParser(oid: number, format?: 'text' | 'binary'): unknown };

/**
 * Per-pool type parsers for `pg` and Neon (not the global `pg.types`), so another pg user in the
 * same process keeps pg's defaults.
 */
export function normalizedTypes(base: TypeParserSource) {
	const parseBytea = base.getTypeParser(OID_BYTEA, 'text') as (value: string) => Uint8Array;
	return {
		getTypeParser(oid: number, format?: 'text' | 'binary') {
			if (format === undefined || format === 'text') {
				if (oid === OID_INT8) return parseInt8;
				if (oid === OID_DATE) return (value: string) => value;
				// A plain Uint8Array (copied out of Buffer's shared pool), as PGlite returns.
				if (oid === OID_BYTEA) return (value: string) => new Uint8Array(parseBytea(value));
			}
			return base.getTypeParser(oid, format);
		},
	};
}
