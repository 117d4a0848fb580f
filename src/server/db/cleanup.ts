/**
 * Deletes what has expired or was never used, so tables that every visit or registration writes to do
 * not grow for ever. Each rule belongs to the module that owns the rows where it can; this module runs
 * them together and says how many rows each removed. The server runs it every hour
 * (`cleanup-schedule.ts`), operators with `npm run db:cleanup`.
 */
import { type Kysely, sql } from 'kysely';
import { deleteExpiredEmailTokens } from '../auth/email-tokens.ts';
import { deleteExpiredSessions } from '../auth/sessions.ts';
import { deleteUnusedDynamicClients } from '../oauth/clients.ts';
import type { Database } from './schema.ts';
import { RATE_LIMIT_TABLE } from '../rate-limit.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Used codes are kept this long after they expire so a replayed code can still revoke its grant
 * (RFC 6749 §4.1.2); `approve()` in `oauth/authorize.ts` purges with the same window.
 */
export const CODE_REPLAY_WINDOW_MS = DAY_MS;

/**
 * rate-limiter-flexible's table (`rate-limit.ts`: UNLOGGED on PostgreSQL; the library creates it on
 * PGlite with RATE_LIMIT_STORE=database). `expire` is a time in ms since the epoch; null never expires.
 * Absent when the limits are kept in memory.
 */

type RateLimitTables = {
	rate_limits: { key: string; points: number; expire: number | null };
};

export interface CleanupOptions {
	now: Date;
	/** A dynamically registered client never used is deleted once it is older than this (OAUTH_UNUSED_CLIENT_DAYS). */
	unusedClientDays: number;
}

/** Rows deleted, per kind. Rows that go with them by cascade are not counted. */
export interface CleanupCounts {
	sessions: number;
	oauthRefreshTokens: number;
	oauthCodes: number;
	oauthClients: number;
	rateLimits: number;
	emailTokens: number;
}

/** What each count means, for the CLI and the server log. */
export const CLEANUP_LABELS: Record<keyof CleanupCounts, string> = {
	sessions: 'expired sessions',
	oauthRefreshTokens: 'expired OAuth refresh tokens',
	oauthCodes: 'expired OAuth authorization codes',
	oauthClients: 'unused dynamically registered OAuth clients',
	rateLimits: 'expired rate-limit counters',
	emailTokens: 'expired password-reset and verification links',
};

export async function cleanupDatabase(db: Kysely<Database>, options: CleanupOptions): Promise<CleanupCounts> {
	const { now } = options;
	return {
		// Presenting an expired refresh token fails anyway; token rotation drops them the same way.
		oauthRefreshTokens: await deleted(db.deleteFrom('oauth_refresh_tokens').where('expires_at', '<=', now)),
		sessions: await deleteExpiredSessions(db, now),
		oauthCodes: await deleted(db.deleteFrom('oauth_codes').where('expires_at', '<', new Date(now.getTime() - CODE_REPLAY_WINDOW_MS))),
		oauthClients: await deleteUnusedDynamicClients(db, new Date(now.getTime() - options.unusedClientDays * DAY_MS)),
		rateLimits: await deleteExpiredRateLimits(db, now),
		emailTokens: await deleteExpiredEmailTokens(db, now),
	};
}

async function deleted(query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }): Promise<number> {
	return Number((await query.executeTakeFirst()).numDeletedRows);
}

/** An expired counter (the library resets one at `expire <= now`) means the same as none: the next request starts a new window. */
async function deleteExpiredRateLimits(db: Kysely<Database>, now: Date): Promise<number> {
	const { rows } = await sql<{ present: boolean }>`select to_regclass(${`"${RATE_LIMIT_TABLE}"`}) is not null as present`.execute(db);
	if (!rows[0]?.present) return 0;
	const limits = db.withTables<RateLimitTables>();
	return deleted(limits.deleteFrom(RATE_LIMIT_TABLE).where('expire', '<=', now.getTime()));
}
