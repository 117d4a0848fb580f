/**
 * PostgreSQL over TCP (`pg`) or Neon's WebSocket pool: one pool per handle, behind Kysely. A lost
 * connection, idle or checked out, is logged and dropped, never fatal; the pool opens fresh ones when
 * the database is back (`unavailable.ts` turns the failed requests into 503s meanwhile).
 */
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPool } from 'kysely';
import type { DatabaseHandle, RawQueryConfig } from './handle.ts';
import { normalizedTypes } from './pg-types.ts';
import type { Database } from './schema.ts';

interface EndablePool extends PostgresPool {
	ended?: boolean;
	query(text: string | RawQueryConfig, values?: unknown[]): Promise<{ rows: unknown[] }>;
	on(event: 'error', listener: (error: Error) => void): unknown;
	on(event: 'connect', listener: (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => void): unknown;
}

/**
 * A connect that hangs (a host that drops packets) would hold a request for ever: fail it after this
 * long, as a 503.
 */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * @param neonWsProxy Neon only: a WebSocket-to-TCP proxy in front of a plain PostgreSQL (Neon's
 *   documented local setup), spoken without TLS.
 * @param preparedStatements `pg` only: name Kysely's statements so PostgreSQL parses and plans each once per
 *   connection (PG_PREPARED_STATEMENTS; docs/benchmarks.md has the measurement).
 */
export async function openPostgres(
	url: string,
	driver: 'postgres' | 'neon',
	neonWsProxy?: string,
	preparedStatements = false,
): Promise<DatabaseHandle> {
	let pool: EndablePool;
	if (driver === 'neon') {
		const neon = await import('@neondatabase/serverless');
		if (neonWsProxy) {
			neon.neonConfig.wsProxy = neonWsProxy;
			neon.neonConfig.useSecureWebSocket = false;
			neon.neonConfig.pipelineTLS = false;
			neon.neonConfig.pipelineConnect = false;
		}
		pool = new neon.Pool({
			connectionString: url,
			types: normalizedTypes(neon.types),
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		}) as unknown as EndablePool;
	} else {
		const pg = await import('pg');
		pool = new pg.Pool({
			connectionString: url,
			types: normalizedTypes(pg.types),
			connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		}) as unknown as EndablePool;
	}
	// A client losing its connection emits 'error'; unhandled, that ends the process. The pool listens
	// on idle clients only, so every client gets its own listener for while it is checked out: the
	// query in flight fails (its request gets a 503) and the pool discards the broken client on release.
	pool.on('error', (error) => {
		console.error(`[db] idle ${driver} connection lost: ${error.message}`);
	});
	pool.on('connect', (client) => {
		client.on('error', (error) => {
			console.error(`[db] ${driver} connection lost: ${error.message}`);
		});
	});
	const kyselyPool = preparedStatements && driver === 'postgres' ? namedStatementPool(pool) : pool;
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: async () => kyselyPool }) });
	let closing: Promise<void> | undefined;
	return {
		db,
		dialect: driver,
		raw: {
			async query(text, values) {
				const result = typeof text === 'string' ? await pool.query(text, values) : await pool.query(text);
				return { rows: result.rows, rowCount: (result as { rowCount?: number | null }).rowCount ?? result.rows.length };
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

/** Distinct SQL texts that get a name; texts beyond (dynamic lists of values) go unnamed, so memory stays bounded. */
const MAX_NAMED_STATEMENTS = 500;

/**
 * Every distinct SQL text gets a statement name, so pg parses it once per connection and then only binds and
 * executes it (the extended protocol with a name; Kysely itself never names queries). Protocol-level prepared
 * statements pass through PgBouncer ≥ 1.21 with max_prepared_statements, which Neon's pooler has.
 */
function namedStatementPool(pool: EndablePool): PostgresPool {
	const names = new Map<string, string>();
	let made = 0;
	const nameFor = (text: string): string | undefined => {
		let name = names.get(text);
		if (!name && names.size < MAX_NAMED_STATEMENTS) {
			made += 1;
			name = `cc${made}`;
			names.set(text, name);
		}
		return name;
	};
	// After another instance's migration changed a table, a statement prepared with `SELECT *`/`RETURNING *`
	// fails once per connection ("cached plan must not change result type"); a new name prepares it afresh.
	const query = async (client: Awaited<ReturnType<EndablePool['connect']>>, text: string, values: readonly unknown[]) => {
		try {
			return await client.query({ name: nameFor(text), text, values: values as unknown[] } as never);
		} catch (error) {
			if ((error as { code?: string }).code === '0A000' && /cached plan/.test(String((error as Error).message))) names.delete(text);
			throw error;
		}
	};
	return {
		options: pool.options,
		end: () => pool.end(),
		async connect() {
			const client = await pool.connect();
			return {
				query: ((text: string, values: readonly unknown[]) => query(client, text, values)) as unknown as typeof client.query,
				release: (...args: Parameters<typeof client.release>) => client.release(...args),
			};
		},
	};
}
