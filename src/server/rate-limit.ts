/**
 * Request limits (rate-limiter-flexible). Two kinds, stored apart (docs/decisions/0016-limits-per-process-and-shared.md):
 * the per-request limits (`general`, `anonymous`), counted on every dynamic request, in this process's memory
 * unless several instances must share them; and the sign-in, registration and client limits, rare writes that
 * must never multiply with the instance count, in the shared store: Redis when REDIS_URL is set, else the
 * database on PostgreSQL, memory on the embedded database (one process by construction).
 * On PostgreSQL the counters live in an UNLOGGED table: a count costs no WAL flush, which made
 * every request of one learner wait for the previous one's commit on the same row
 * (docs/benchmarks.md); a Postgres crash resets the counters, which is harmless for rate limits.
 */
import {
	type IRateLimiterOptions,
	RateLimiterMemory,
	RateLimiterPostgres,
	RateLimiterRedis,
	type RateLimiterAbstract,
	RateLimiterRes,
} from 'rate-limiter-flexible';
import { ApiError } from './api/errors.ts';
import type { DatabaseHandle } from './db/factory.ts';
import type { Env } from './env.ts';

export interface RateLimits {
	/** Every dynamic request of a signed-in learner, per learner. */
	general: RateLimiterAbstract;
	/** Every anonymous dynamic request, per address: higher, since a classroom or a school shares one address. */
	anonymous: RateLimiterAbstract;
	/** OAuth client registrations and other rare anonymous writes, per address. */
	auth: RateLimiterAbstract;
	/** Failed sign-ins for one account from one address (successes never count): slows a guesser, not the class. */
	signInFailures: RateLimiterAbstract;
	/** Failed sign-ins for one account from anywhere: a distributed guesser, at a ceiling the owner never meets. */
	accountFailures: RateLimiterAbstract;
	/** Failed sign-ins from one address, any account: a password sprayer; high enough for a classroom behind one address. */
	addressFailures: RateLimiterAbstract;
	/** Registrations from one address: a classroom creating accounts fits, a script does not. */
	registrations: RateLimiterAbstract;
	/**
	 * Dynamic OAuth client registrations (RFC 7591) per address, as a high ceiling: hosted connectors (ChatGPT,
	 * Claude) register one client per user from a few shared addresses (docs/decisions/0010-limits-behind-shared-addresses.md).
	 */
	oauthRegistrations: RateLimiterAbstract;
	/** Password-reset requests per email, whether or not it has an account (so the count says nothing): no inbox is flooded. */
	passwordResetEmails: RateLimiterAbstract;
	/** Password-reset requests per client address, at the registrations' ceiling: a classroom fits, a script does not. */
	passwordResetAddresses: RateLimiterAbstract;
	/** Closes the shared store's connection (Redis); the database is closed by its owner. */
	close(): Promise<void>;
}

/** Where limits shared by every instance live. */
export type RateLimitStore = 'database' | 'memory' | 'redis';
/** `process`: the per-request limits count in this process only; `shared`: in the shared store, across instances. */
export type RequestLimitScope = 'process' | 'shared';

export interface RateLimitOptions {
	perMinute: number;
	/** Anonymous requests per address per minute; default 10 × perMinute. */
	anonymousPerMinute?: number;
	authPer15Minutes: number;
	/** Failed sign-ins and registrations per address per 15 minutes. */
	addressPer15Minutes: number;
	/** Dynamic OAuth client registrations per address per 15 minutes; default 300, or the auth limit when higher. */
	oauthRegistrationsPer15Minutes?: number;
	/** Password-reset requests per email per hour (default 5). */
	passwordResetPerHour?: number;
	/** Defaults to memory on the embedded database (one process) and the database on Postgres; `redis` needs `redis`. */
	store?: RateLimitStore;
	/** Default `shared`: the per-request limits in the same store as the others. */
	requestScope?: RequestLimitScope;
	redis?: { url: string; keyPrefix: string };
}

/** The stores the configuration picks (RATE_LIMIT_STORE, REQUEST_LIMIT_SCOPE, REDIS_URL; env.ts has the defaults' why). */
export function rateLimitStoresFromEnv(
	env: Pick<Env, 'RATE_LIMIT_STORE' | 'REQUEST_LIMIT_SCOPE' | 'REDIS_URL' | 'REDIS_KEY_PREFIX'>,
	dialect: DatabaseHandle['dialect'],
): Pick<RateLimitOptions, 'store' | 'requestScope' | 'redis'> {
	const store: RateLimitStore = env.RATE_LIMIT_STORE ?? (env.REDIS_URL ? 'redis' : dialect === 'pglite' ? 'memory' : 'database');
	const requestScope = env.REQUEST_LIMIT_SCOPE ?? (store === 'redis' || dialect === 'neon' ? 'shared' : 'process');
	return { store, requestScope, ...(env.REDIS_URL ? { redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } } : {}) };
}

/** The limits counted on every dynamic request. */
const PER_REQUEST = new Set(['general', 'anonymous']);

export async function createRateLimits(handle: DatabaseHandle, options: RateLimitOptions): Promise<RateLimits> {
	const general = { points: options.perMinute, duration: 60, keyPrefix: 'rl_general' };
	const window = 15 * 60;
	const specs = {
		general,
		anonymous: { points: options.anonymousPerMinute ?? options.perMinute * 10, duration: 60, keyPrefix: 'rl_anonymous' },
		auth: { points: options.authPer15Minutes, duration: window, keyPrefix: 'rl_auth' },
		signInFailures: { points: options.authPer15Minutes, duration: window, keyPrefix: 'rl_signin_pair' },
		accountFailures: { points: options.authPer15Minutes * ACCOUNT_FACTOR, duration: window, keyPrefix: 'rl_signin_account' },
		addressFailures: { points: options.addressPer15Minutes, duration: window, keyPrefix: 'rl_signin_address' },
		registrations: { points: options.addressPer15Minutes, duration: window, keyPrefix: 'rl_register' },
		oauthRegistrations: {
			points: options.oauthRegistrationsPer15Minutes ?? Math.max(300, options.authPer15Minutes),
			duration: window,
			keyPrefix: 'rl_oauth_register',
		},
		passwordResetEmails: { points: options.passwordResetPerHour ?? 5, duration: 60 * 60, keyPrefix: 'rl_reset_email' },
		passwordResetAddresses: { points: options.addressPer15Minutes, duration: window, keyPrefix: 'rl_reset_address' },
	};
	type Name = keyof typeof specs;
	const names = Object.keys(specs) as Name[];
	const store = options.store ?? (handle.dialect === 'pglite' ? 'memory' : 'database');
	const inProcess = (n: Name) => store === 'memory' || (options.requestScope === 'process' && PER_REQUEST.has(n));
	const shared = names.filter((n) => !inProcess(n));
	const made = new Map<Name, RateLimiterAbstract>(names.filter(inProcess).map((n) => [n, new RateLimiterMemory(specs[n])]));
	let close = async () => {};
	if (shared.length > 0 && store === 'redis') {
		if (!options.redis) throw new Error('RATE_LIMIT_STORE=redis needs REDIS_URL.');
		const { client, quit } = await connectRedis(options.redis.url);
		close = quit;
		const prefix = options.redis.keyPrefix;
		for (const n of shared) {
			const spec = specs[n];
			made.set(
				n,
				new RateLimiterRedis({
					...spec,
					keyPrefix: `${prefix}${spec.keyPrefix}`,
					storeClient: client,
					// Redis away: count in this process meanwhile rather than answer 500s (or let everything through).
					rejectIfRedisNotReady: true,
					insuranceLimiter: new RateLimiterMemory(spec),
					inMemoryBlockOnConsumed: spec.points,
				}),
			);
		}
	} else if (shared.length > 0) {
		// Created once here, before the limiters: eight limiters each creating it at once race on a fresh
		// database ("type rate_limits already exists"), whatever the driver.
		const tableCreated = await createUnloggedTable(handle);
		const make = (opts: IRateLimiterOptions) =>
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
		const limiters = await Promise.all(shared.map((n) => make(specs[n])));
		for (const [i, n] of shared.entries()) made.set(n, limiters[i] as RateLimiterAbstract);
	}
	return { ...(Object.fromEntries(made) as Record<Name, RateLimiterAbstract>), close: () => close() };
}

/**
 * One Redis connection for every limiter; commands fail fast while it is down and the insurance limiters
 * answer. Start-up does not wait for it: a server whose Redis is away still starts, counts in memory and
 * switches to Redis once ioredis has reconnected.
 */
async function connectRedis(url: string): Promise<{ client: import('ioredis').Redis; quit: () => Promise<void> }> {
	const { Redis } = await import('ioredis');
	const client = new Redis(url, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
	let reported = '';
	client.on('error', (error) => {
		// Once per kind of failure, not once per reconnect attempt.
		if (error.message !== reported) console.error(`[rate-limit] redis unavailable, counting in memory meanwhile: ${error.message}`);
		reported = error.message;
	});
	client.on('ready', () => {
		reported = '';
	});
	// Wait briefly so a healthy Redis is in use from the first request; never fail start-up over it.
	await Promise.race([client.connect().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
	return {
		client,
		async quit() {
			if (client.status === 'end') return;
			await client.quit().catch(() => client.disconnect());
		},
	};
}

/** An account's failures from every address together may reach this many times the per-address budget. */
export const ACCOUNT_FACTOR = 5;

/** The table the database-backed limiters keep their counters in (cleaned by db/cleanup.ts). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/** The table rate-limiter-flexible would create (same columns), but UNLOGGED; converts a logged one left by an older version. */
async function createUnloggedTable(handle: DatabaseHandle): Promise<true> {
	try {
		await handle.raw.query(
			`CREATE UNLOGGED TABLE IF NOT EXISTS "${RATE_LIMIT_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
		);
	} catch (error) {
		// Two processes creating it at once: the other one won (unique violation, duplicate table or type).
		if (!['23505', '42P07', '42710'].includes((error as { code?: string }).code ?? '')) throw error;
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

/** Throws the 429 consumeOrThrow would, without spending a point: for limits that count failures only. */
export async function assertNotExhausted(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
	const res = await limiter.get(key);
	if (!res || res.consumedPoints < limiter.points) return;
	throw rateLimited(limiter, res, what);
}

/** The 429 every limiter answers with: the one error shape, Retry-After and RateLimit headers. */
function rateLimited(limiter: RateLimiterAbstract, res: RateLimiterRes, what: string): ApiError {
	const headers = rateLimitHeaders(limiter, res, true);
	return new ApiError(
		429,
		'rate_limited',
		`Too many ${what}. Try again in ${headers['Retry-After']} seconds.`,
		{ retryAfterSeconds: Number(headers['Retry-After']) },
		headers,
	);
}

/** Counts one failure; never throws for being over the limit (the next attempt is refused by assertNotExhausted). */
export async function recordFailure(limiter: RateLimiterAbstract, key: string): Promise<void> {
	await limiter.consume(key).catch((rejection) => {
		if (!(rejection instanceof RateLimiterRes)) throw rejection;
	});
}

/** Consumes one point; throws a 429 ApiError when the key is over its limit. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string, what: string): Promise<Record<string, string>> {
	try {
		const res = await limiter.consume(key);
		return rateLimitHeaders(limiter, res, false);
	} catch (rejection) {
		if (rejection instanceof RateLimiterRes) throw rateLimited(limiter, rejection, what);
		throw rejection;
	}
}
