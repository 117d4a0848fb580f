/**
 * What an open database looks like to the rest of the app, whichever driver opened it. Every driver
 * returns the same JS types (see `pg-types.ts`): int8/`count(*)` → number, `date` → 'YYYY-MM-DD',
 * bytea → Uint8Array, timestamptz → Date.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type DatabaseDialect = 'pglite' | 'postgres' | 'neon';

/** The `{ text, values }` form of a query, as rate-limiter-flexible sends it. */
export interface RawQueryConfig {
	text: string;
	values?: unknown[];
}

/** A minimal pg-like client for libraries that want one (rate-limiter-flexible). */
export interface RawClient {
	// rowCount: rate-limiter-flexible reads it (a get of an unknown key, a delete).
	// biome-ignore lint/suspicious/noExplicitAny: rows of arbitrary SQL, as pg types them
	query(text: string | RawQueryConfig, values?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
}

export interface DatabaseHandle {
	db: Kysely<Database>;
	dialect: DatabaseDialect;
	/** Closes the connection (and releases the PGlite lock); safe to call twice. */
	close(): Promise<void>;
	raw: RawClient;
	/** The embedded instance itself (pglite only), for backups (`pglite-backup.ts`). */
	pglite?: PGlite;
}
