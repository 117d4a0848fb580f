/** PostgreSQL over TCP (`pg`) or Neon's WebSocket pool: one pool per handle, behind Kysely. */
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool } from 'kysely';
import type { DatabaseHandle, RawQueryConfig } from './handle.ts';
import { normalizedTypes } from './pg-types.ts';
import type { Database } from './schema.ts';

interface EndablePool extends PostgresPool {
	ended?: boolean;
	query(text: string | RawQueryConfig, values?: unknown[]): Promise<{ rows: unknown[] }>;
	on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * @param neonWsProxy Neon only: a WebSocket-to-TCP proxy in front of a plain PostgreSQL (Neon's
 *   documented local setup), spoken without TLS.
 */
export async function openPostgres(url: string, driver: 'postgres' | 'neon', neonWsProxy?: string): Promise<DatabaseHandle> {
	let pool: EndablePool;
	if (driver === 'neon') {
		const neon = await import('@neondatabase/serverless');
		if (neonWsProxy) {
			neon.neonConfig.wsProxy = neonWsProxy;
			neon.neonConfig.useSecureWebSocket = false;
			neon.neonConfig.pipelineTLS = false;
			neon.neonConfig.pipelineConnect = false;
		}
		pool = new neon.Pool({ connectionString: url, types: normalizedTypes(neon.types) }) as unknown as EndablePool;
	} else {
		const pg = await import('pg');
		pool = new pg.Pool({ connectionString: url, types: normalizedTypes(pg.types) }) as unknown as EndablePool;
	}
	// An idle client losing its connection emits 'error'; unhandled, that would crash the server.
	pool.on('error', (error) => {
		console.error(`[db] idle ${driver} connection error: ${error.message}`);
	});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: async () => pool }) });
	let closing: Promise<void> | undefined;
	return {
		db,
		dialect: driver,
		raw: {
			async query(text, values) {
				const result = typeof text === 'string' ? await pool.query(text, values) : await pool.query(text);
				return { rows: result.rows };
			},
		},
		close() {
			closing ??= (async () => {
				await db.destroy();
				// Kysely only ends a pool it has used; raw queries may have used it alone.
				if (!pool.ended) await pool.end();
			})();
			return closing;
		},
	};
}
