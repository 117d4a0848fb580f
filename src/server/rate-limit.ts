/**
 * Request limits (rate-limiter-flexible): in memory for one process on the embedded database,
 * in Postgres when the database is Postgres so that every server instance shares one count.
 * On PostgreSQL the counters live in an UNLOGGED table: a count costs no WAL flush, which made
 * every request of one learner wait for the previous one's commit on the same row
 * (docs/benchmarks.md); a Postgres crash resets the counters, which is harmless for rate limits.
 */
import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './api/errors.ts';
import type { DatabaseHandle } from './db/factory.ts';

export interface RateLimits {
	/** Every dynamic request: per learner when signed in, per IP otherwise. */
	general: RateLimiterAbstract;
	/** Log-in and register attempts, per IP and per email. */
	auth: RateLimiterAbstract;
}

export interface RateLimitOptions {
	perMinute: number;
	authPer15Minutes: number;
	/** Defaults to memory on the embedded database (one process) and the database on Postgres. */
	store?: 'database' | 'memory';
}

export async function createRateLimits(handle: DatabaseHandle, options: RateLimitOptions): Promise<RateLimits> {
	const general = { points: options.perMinute, duration: 60, keyPrefix: 'rl_general' };
	const auth = { points: options.authPer15Minutes, duration: 15 * 60, keyPrefix: 'rl_auth' };
	if ((options.store ?? (handle.dialect === 'pglite' ? 'memory' : 'database')) === 'memory') {
		return { general: new RateLimiterMemory(general), auth: new RateLimiterMemory(auth) };
	}
	const tableCreated = handle.dialect === 'postgres' ? await createUnloggedTable(handle) : false;
	const make = (opts: typeof general) =>
		new Promise<RateLimiterAbstract>((resolve, reject) => {
			// The callback runs inside the constructor when the table exists already: defer it.
			let limiter: RateLimiterPostgres | undefined;
			const ready = (error?: Error) => queueMicrotask(() => (error ? reject(error) : resolve(limiter as RateLimiterPostgres)));
			limiter = new RateLimiterPostgres(
				{
					...opts,
					storeClient: handle.raw,
					storeType: 'pool',
					tableName: RATE_LIMIT_TABLE,
					tableCreated,
					clearExpiredByTimeout: false,
					// A key that has used its budget is refused from memory until its window ends: a client
					// hammering past its limit costs no database write. Other processes learn it from the table.
					inMemoryBlockOnConsumed: opts.points,
				},
				ready,
			);
		});
	return { general: await make(general), auth: await make(auth) };
}

/** The table the database-backed limiters keep their counters in (cleaned by db/cleanup.ts). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/** The table rate-limiter-flexible would create (same columns), but UNLOGGED; converts a logged one left by an older version. */
async function createUnloggedTable(handle: DatabaseHandle): Promise<true> {
	try {
		await handle.raw.query(
			`CREATE UNLOGGED TABLE IF NOT EXISTS "${RATE_LIMIT_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
		);
	} catch (error) {
		// Two processes creating it at once: the other one won (as rate-limiter-flexible handles it).
		if ((error as { code?: string }).code !== '23505') throw error;
	}
	const { rows } = await handle.raw.query(`SELECT relpersistence FROM pg_class WHERE oid = to_regclass($1)`, [`"${RATE_LIMIT_TABLE}"`]);
	if (rows[0]?.relpersistence === 'p') await handle.raw.query(`ALTER TABLE "${RATE_LIMIT_TABLE}" SET UNLOGGED`);
	return true;
}

/** IETF RateLimit headers plus Retry-After when refused. */
export function rateLimitHeaders(limiter: RateLimiterAbstract, res: RateLimiterRes, refused: boolean): Record<string, string> {
	const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
	const headers: Record<string, string> = {
		'RateLimit-Limit': String(limiter.points),
		'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
		'RateLimit-Reset': String(reset),
		RateLimit: `limit=${limiter.points}, remaining=${Math.max(0, res.remainingPoints)}, reset=${reset}`,
	};
	if (refused) headers['Retry-After'] = String(reset);
	return headers;
}

/** Consumes one point; throws a 429 ApiError when the key is over its limit. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string, what: string): Promise<Record<string, string>> {
	try {
		const res = await limiter.consume(key);
		return rateLimitHeaders(limiter, res, false);
	} catch (rejection) {
		if (rejection instanceof RateLimiterRes) {
			const headers = rateLimitHeaders(limiter, rejection, true);
			throw new ApiError(
				429,
				'rate_limited',
				`Too many ${what}. Try again in ${headers['Retry-After']} seconds.`,
				{ retryAfterSeconds: Number(headers['Retry-After']) },
				headers,
			);
		}
		throw rejection;
	}
}
