/**
 * Database sessions in the pattern the Lucia project teaches (no `lucia`
 * package): the token is `<id>.<secret>`; only SHA-256(secret) is stored, so a
 * leaked sessions table cannot be replayed; the hash is compared in constant
 * time; expiry slides by 30 days when a session is used in its second half.
 */
import type { TeamOwnerFields } from './current-user.ts';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { Database, PublicUser, SessionKind, SessionRow } from '../db/schema.ts';
import type { SessionCache } from './session-cache.ts';

export const SESSION_COOKIE = 'cc_session';

const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
/** Extend once less than half the lifetime is left, so an active user never expires. */
const RENEW_WHEN_REMAINING_MS = SESSION_LIFETIME_MS / 2;
/** `last_used_at` is refreshed at most this often, so reads are not a write each. */
const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

/** 15 bytes → 24 base32 characters; 20 bytes → 32 characters (160 bits of secret). */
const ID_BYTES = 15;
const SECRET_BYTES = 20;
const TOKEN_PATTERN = /^([a-z2-7]{24})\.([a-z2-7]{32})$/;

/** A session as callers see it: the secret hash stays in the database layer. */
export type Session = Omit<SessionRow, 'secret_hash'>;

export interface CreateSessionInput {
	userId: string;
	kind: SessionKind;
	clientId?: string | null;
	/** User agent or app name, shown in "your sessions". */
	label?: string | null;
	now: Date;
}

function randomBase32(bytes: number): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

/** Creates a session; the returned token is the only copy of the secret. */
export async function createSession(db: Kysely<Database>, input: CreateSessionInput): Promise<{ token: string; session: Session }> {
	const id = randomBase32(ID_BYTES);
	const secret = randomBase32(SECRET_BYTES);
	const session = await db
		.insertInto('sessions')
		.values({
			id,
			user_id: input.userId,
			secret_hash: hashSecret(secret),
			kind: input.kind,
			client_id: input.clientId ?? null,
			label: input.label ?? null,
			created_at: input.now,
			expires_at: new Date(input.now.getTime() + SESSION_LIFETIME_MS),
			last_used_at: input.now,
		})
		.returning(['id', 'user_id', 'kind', 'client_id', 'label', 'created_at', 'expires_at', 'last_used_at'])
		.executeTakeFirstOrThrow();
	return { token: `${id}.${secret}`, session };
}

/** The session, its user, the user's team owner and an OAuth token's resource: one indexed read. */
function sessionLookup(db: Kysely<Database>, id: string) {
	return (
		db
			.selectFrom('sessions')
			.innerJoin('users', 'users.id', 'sessions.user_id')
			// The account's team and its owner, in the same round trip: what the effective tier is derived from.
			.leftJoin('team_members', 'team_members.user_id', 'sessions.user_id')
			.leftJoin('teams', 'teams.id', 'team_members.team_id')
			.leftJoin('users as team_owner', 'team_owner.id', 'teams.owner_id')
			.select([
				'sessions.id',
				'sessions.user_id',
				'sessions.secret_hash',
				'sessions.kind',
				'sessions.client_id',
				'sessions.label',
				'sessions.created_at as session_created_at',
				'sessions.expires_at',
				'sessions.last_used_at',
				'users.email',
				'users.display_name',
				'users.timezone',
				'users.timezone_previous',
				'users.timezone_switch_at',
				'users.role',
				'users.tier',
				'team_owner.tier as team_owner_tier',
				'team_owner.role as team_owner_role',
				'users.created_at as user_created_at',
				'users.updated_at as user_updated_at',
				// The resource an OAuth access token is bound to (RFC 8707), in the same round trip: null for other sessions.
				(eb) =>
					eb
						.selectFrom('oauth_refresh_tokens')
						.select('oauth_refresh_tokens.resource')
						.whereRef('oauth_refresh_tokens.session_id', '=', 'sessions.id')
						.limit(1)
						.as('audience'),
			])
			.where('sessions.id', '=', id)
			.executeTakeFirst()
	);
}

/** What `sessionLookup` reads; `SessionCache` keeps these. */
export type SessionLookupRow = NonNullable<Awaited<ReturnType<typeof sessionLookup>>>;

/**
 * The session and its user for a token, or null when the token is malformed,
 * unknown, has the wrong secret, or has expired (an expired session is deleted).
 */
export async function validateSessionToken(
	db: Kysely<Database>,
	token: string,
	now: Date,
	/** The server's cache of lookups (decision 0035); without it, every call reads the database. */
	cache?: SessionCache<SessionLookupRow>,
): Promise<{ session: Session; user: PublicUser & TeamOwnerFields; audience: string | null } | null> {
	const match = typeof token === 'string' ? TOKEN_PATTERN.exec(token) : null;
	if (!match) return null;
	const [, id, secret] = match as unknown as [string, string, string];

	let row = cache?.get(id);
	if (!row) {
		const ticket = cache?.ticket() ?? 0;
		row = await sessionLookup(db, id);
		if (row) cache?.store(id, row, ticket);
	}
	if (!row) return null;
	if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secret_hash))) return null;

	if (now.getTime() >= row.expires_at.getTime()) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return null;
	}

	const session: Session = {
		id: row.id,
		user_id: row.user_id,
		kind: row.kind,
		client_id: row.client_id,
		label: row.label,
		created_at: row.session_created_at,
		expires_at: row.expires_at,
		last_used_at: row.last_used_at,
	};
	const renew = row.expires_at.getTime() - now.getTime() < RENEW_WHEN_REMAINING_MS;
	const touch = now.getTime() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS;
	if (renew || touch) {
		session.last_used_at = now;
		if (renew) session.expires_at = new Date(now.getTime() + SESSION_LIFETIME_MS);
		await db
			.updateTable('sessions')
			.set({ last_used_at: session.last_used_at, expires_at: session.expires_at })
			.where('id', '=', id)
			.execute();
	}

	const user: PublicUser & TeamOwnerFields = {
		id: row.user_id,
		email: row.email,
		display_name: row.display_name,
		timezone: row.timezone,
		timezone_previous: row.timezone_previous,
		timezone_switch_at: row.timezone_switch_at,
		role: row.role,
		tier: row.tier,
		team_owner_tier: row.team_owner_tier,
		team_owner_role: row.team_owner_role,
		created_at: row.user_created_at,
		updated_at: row.user_updated_at,
	};
	return { session, user, audience: row.audience ?? null };
}

/** Signs one session out. */
export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Signs a user out everywhere (e.g. after a password change), optionally keeping the current session. Returns how many were removed. */
export async function invalidateUserSessions(
	db: Kysely<Database>,
	userId: string,
	options: { exceptSessionId?: string } = {},
): Promise<number> {
	let query = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (options.exceptSessionId !== undefined) query = query.where('id', '!=', options.exceptSessionId);
	const result = await query.executeTakeFirst();
	return Number(result.numDeletedRows);
}

/** A user's sessions, most recently used first. */
export async function listUserSessions(db: Kysely<Database>, userId: string): Promise<Session[]> {
	return db
		.selectFrom('sessions')
		.select(['id', 'user_id', 'kind', 'client_id', 'label', 'created_at', 'expires_at', 'last_used_at'])
		.where('user_id', '=', userId)
		.orderBy('last_used_at', 'desc')
		.orderBy('id')
		.execute();
}

/** Removes every session expired at `now`, as `validateSessionToken` judges it; run by the periodic cleanup (db/cleanup.ts). Their refresh tokens go with them. */
export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<number> {
	const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
	return Number(result.numDeletedRows);
}

export interface SessionCookieAttributes {
	httpOnly: true;
	sameSite: 'lax';
	path: '/';
	secure: boolean;
	expires: Date;
}

/**
 * Cookie attributes for the session token, in the shape Astro's
 * `cookies.set(name, value, options)` takes. `secure` is off only for plain-HTTP local development.
 */
export function sessionCookieAttributes(options: { secure: boolean; expires: Date }): SessionCookieAttributes {
	return { httpOnly: true, sameSite: 'lax', path: '/', secure: options.secure, expires: options.expires };
}
