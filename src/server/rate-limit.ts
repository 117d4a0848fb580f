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
}

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
	/** Defaults to memory on the embedded database (one process) and the database on Postgres. */
	store?: 'database' | 'memory';
}

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
	if ((options.store ?? (handle.dialect === 'pglite' ? 'memory' : 'database')) === 'memory') {
		return Object.fromEntries(names.map((n) => [n, new RateLimiterMemory(specs[n])])) as unknown as RateLimits;
	}
	// Created once here, before the limiters: the limiters each creating it at once race on a fresh
	// database ("type rate_limits already exists"), whatever the driver.
	const tableCreated = await createUnloggedTable(handle);
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
	const made = await Promise.all(names.map((n) => make(specs[n])));
	return Object.fromEntries(names.map((n, i) => [n, made[i]])) as unknown as RateLimits;
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
