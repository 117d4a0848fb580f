/**
 * The token endpoint's grants (RFC 6749 §4.1.3, §6; RFC 7636 §4.6) and revocation (RFC 7009).
 * An access token is an API session, so the middleware already accepts it as a bearer token and
 * the learner sees and revokes it among their sessions. Refresh tokens rotate: each use consumes
 * the token, and replaying a consumed one revokes the whole grant (RFC 6819 §5.2.2.3) — except within a
 * short grace window, where the same client gets the same new pair (parallel refreshes, RFC 9700 §4.14.2).
 * A grant may be bound to one resource (RFC 8707); its access tokens are refused elsewhere.
 */
import type { Kysely } from 'kysely';
import { createSession, invalidateSession, validateSessionToken } from '../auth/sessions.ts';
import type { Database } from '../db/schema.ts';
import type { Client } from './clients.ts';
import { serverEnv } from '../env.ts';
import { issuerOf, REFRESH_TOKEN_LIFETIME_MS } from './config.ts';
import { openWith, randomToken, sealWith, sha256Hex, verifyS256 } from './crypto.ts';
import { OAuthError } from './errors.ts';
import { normaliseResource, supportedResources } from './resource.ts';

/** RFC 6749 §5.1. */
export interface TokenResponse {
	access_token: string;
	token_type: 'bearer';
	expires_in: number;
	refresh_token: string;
	scope: string;
}

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
const invalidTarget = (description: string) => new OAuthError('invalid_target', description);

/**
 * The `resource` of a token request (RFC 8707 §2.2): absent keeps the grant's; present must be one of
 * ours and, when the grant is bound, the same one (a grant has one audience).
 */
function resourceFor(params: Record<string, string>, granted: string | null, configured?: string): string | null {
	if (params.resource === undefined) return granted;
	const origin = configured ?? issuerOf(serverEnv().PUBLIC_ORIGIN);
	const asked = normaliseResource(params.resource, origin);
	if (!asked) throw invalidTarget(`This server issues tokens only for ${supportedResources(origin).join(' and ')}.`);
	if (asked !== granted) {
		throw invalidTarget(
			granted === null ? 'The authorization request named no resource: ask for the resource there.' : `This grant is for ${granted}.`,
		);
	}
	return asked;
}

/** Ends a grant: deletes its current session, which cascades to every refresh token of the grant. */
export async function revokeGrant(db: Kysely<Database>, grantId: string): Promise<void> {
	await db
		.deleteFrom('sessions')
		.where('id', 'in', db.selectFrom('oauth_refresh_tokens').select('session_id').where('grant_id', '=', grantId))
		.execute();
}

/**
 * Ends every OAuth grant of a user (after a password reset): the access tokens, which are sessions and take
 * their refresh tokens with them, and the codes not exchanged yet, which would otherwise start new grants.
 */
export async function revokeUserGrants(db: Kysely<Database>, userId: string): Promise<void> {
	await db.deleteFrom('sessions').where('user_id', '=', userId).where('kind', '=', 'oauth').execute();
	await db.deleteFrom('oauth_codes').where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

interface IssueInput {
	client: Client;
	userId: string;
	grantId: string;
	/** Scope of the grant (kept on the refresh token, RFC 6749 §6). */
	grantScope: string;
	/** Scope of this access token: the grant's, or a narrower one asked for on refresh. */
	scope: string;
	/** RFC 8707 audience of the grant; null: unbound. */
	resource: string | null;
	/** On refresh: the session being replaced. */
	previousSessionId?: string;
	now: Date;
}

/** A new session (the access token) and refresh token, in one transaction so neither exists alone. */
async function issueTokens(db: Kysely<Database>, input: IssueInput): Promise<TokenResponse> {
	return db.transaction().execute((trx) => issueTokensIn(trx, input));
}

async function issueTokensIn(trx: Kysely<Database>, input: IssueInput): Promise<TokenResponse> {
	const { now } = input;
	const { token, session } = await createSession(trx, {
		userId: input.userId,
		kind: 'oauth',
		clientId: input.client.id,
		label: input.client.name,
		now,
	});
	const refreshToken = randomToken();
	await trx
		.insertInto('oauth_refresh_tokens')
		.values({
			token_hash: sha256Hex(refreshToken),
			grant_id: input.grantId,
			session_id: session.id,
			client_id: input.client.id,
			scope: input.grantScope,
			resource: input.resource,
			created_at: now,
			expires_at: new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS),
		})
		.execute();
	if (input.previousSessionId) {
		// Consumed tokens move to the new session so a replay can still find (and end) the grant;
		// ones past their expiry are dropped, as presenting them fails anyway.
		await trx.deleteFrom('oauth_refresh_tokens').where('grant_id', '=', input.grantId).where('expires_at', '<=', now).execute();
		await trx.updateTable('oauth_refresh_tokens').set({ session_id: session.id }).where('grant_id', '=', input.grantId).execute();
		await trx.deleteFrom('sessions').where('id', '=', input.previousSessionId).execute();
	}
	return {
		access_token: token,
		token_type: 'bearer' as const,
		// The access token is a session: report its real remaining life (sliding, renewed when used).
		expires_in: Math.floor((session.expires_at.getTime() - now.getTime()) / 1000),
		refresh_token: refreshToken,
		scope: input.scope,
	};
}

/** grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5–4.6). */
export async function exchangeCode(
	db: Kysely<Database>,
	client: Client,
	params: Record<string, string>,
	now: Date,
	/** The issuer (public origin); defaults to PUBLIC_ORIGIN. */
	origin?: string,
): Promise<TokenResponse> {
	const code = params.code;
	if (!code) throw new OAuthError('invalid_request', 'code is required.');
	const redirectUri = params.redirect_uri;
	// Always required: this server requires redirect_uri in every authorization request.
	if (!redirectUri) throw new OAuthError('invalid_request', 'redirect_uri is required and must match the authorization request.');
	const codeHash = sha256Hex(code);
	// Consumed first, atomically: a failed check below still burns the code (no retries, no guessing).
	const row = await db
		.updateTable('oauth_codes')
		.set({ used_at: now })
		.where('code_hash', '=', codeHash)
		.where('used_at', 'is', null)
		.returningAll()
		.executeTakeFirst();
	if (!row) {
		const seen = await db.selectFrom('oauth_codes').select('code_hash').where('code_hash', '=', codeHash).executeTakeFirst();
		if (seen) {
			// RFC 6749 §4.1.2: a code used twice is refused and the tokens issued for it revoked.
			await revokeGrant(db, codeHash);
			throw invalidGrant('The authorization code was already used; the tokens issued for it have been revoked.');
		}
		throw invalidGrant('The authorization code is invalid.');
	}
	if (row.client_id !== client.id) throw invalidGrant('The authorization code was issued to another client.');
	if (row.expires_at.getTime() <= now.getTime()) throw invalidGrant('The authorization code has expired.');
	if (redirectUri !== row.redirect_uri) throw invalidGrant('redirect_uri does not match the one in the authorization request.');
	if (row.code_challenge) {
		const verifier = params.code_verifier;
		if (!verifier) throw invalidGrant('code_verifier is required: the authorization request used PKCE.');
		if (row.code_challenge_method !== 'S256' || !verifyS256(verifier, row.code_challenge)) {
			throw invalidGrant('code_verifier does not match the code_challenge.');
		}
	} else {
		if (params.code_verifier !== undefined)
			throw invalidGrant('code_verifier was sent but the authorization request had no code_challenge.');
		if (client.isPublic) throw invalidGrant('A public client must use PKCE.');
	}
	const resource = resourceFor(params, row.resource, origin);
	return issueTokens(db, { client, userId: row.user_id, grantId: codeHash, grantScope: row.scope, scope: row.scope, resource, now });
}

/** grant_type=refresh_token (RFC 6749 §6), with rotation, replay detection and the grace window. */
export async function refresh(
	db: Kysely<Database>,
	client: Client,
	params: Record<string, string>,
	now: Date,
	/** The issuer (public origin); defaults to PUBLIC_ORIGIN. */
	origin?: string,
): Promise<TokenResponse> {
	const token = params.refresh_token;
	if (!token) throw new OAuthError('invalid_request', 'refresh_token is required.');
	const hash = sha256Hex(token);
	const row = await db
		.selectFrom('oauth_refresh_tokens')
		.innerJoin('sessions', 'sessions.id', 'oauth_refresh_tokens.session_id')
		.select([
			'oauth_refresh_tokens.grant_id',
			'oauth_refresh_tokens.session_id',
			'oauth_refresh_tokens.client_id',
			'oauth_refresh_tokens.scope',
			'oauth_refresh_tokens.resource',
			'oauth_refresh_tokens.expires_at',
			'oauth_refresh_tokens.used_at',
			'sessions.user_id',
		])
		.where('oauth_refresh_tokens.token_hash', '=', hash)
		.executeTakeFirst();
	if (!row) throw invalidGrant('The refresh token is invalid or has been revoked.');
	if (row.used_at !== null) return replayOrRevoke(db, client, token, row.grant_id, now);
	if (row.client_id !== client.id) throw invalidGrant('The refresh token was issued to another client.');
	if (row.expires_at.getTime() <= now.getTime()) throw invalidGrant('The refresh token has expired.');
	const granted = row.scope.split(' ').filter(Boolean);
	let scope = row.scope;
	if (params.scope !== undefined) {
		const asked = params.scope.split(' ').filter(Boolean);
		if (asked.length === 0 || asked.some((s) => !granted.includes(s))) {
			throw new OAuthError('invalid_scope', `The scope may only narrow the original grant (${row.scope}).`);
		}
		scope = [...new Set(asked)].join(' ');
	}
	const resource = resourceFor(params, row.resource, origin);
	// Consumed, rotated and sealed in one transaction: a parallel refresh of the same token waits for it,
	// then finds the token used with its successor already stored.
	const issued = await db.transaction().execute(async (trx) => {
		const consumed = await trx
			.updateTable('oauth_refresh_tokens')
			.set({ used_at: now })
			.where('token_hash', '=', hash)
			.where('used_at', 'is', null)
			.executeTakeFirst();
		if (Number(consumed.numUpdatedRows) === 0) return null;
		const response = await issueTokensIn(trx, {
			client,
			userId: row.user_id,
			grantId: row.grant_id,
			grantScope: row.scope,
			scope,
			resource,
			previousSessionId: row.session_id,
			now,
		});
		const successor: Successor = { ...response, expires_at: now.getTime() + response.expires_in * 1000 };
		await trx
			.updateTable('oauth_refresh_tokens')
			.set({ successor: sealWith(token, SUCCESSOR_PURPOSE, JSON.stringify(successor)) })
			.where('token_hash', '=', hash)
			.execute();
		return response;
	});
	// Another request consumed it a moment ago: within the grace window it gets the same pair.
	return issued ?? replayOrRevoke(db, client, token, row.grant_id, now);
}

const SUCCESSOR_PURPOSE = 'oauth refresh successor';
type Successor = TokenResponse & { expires_at: number };

/**
 * A used refresh token presented again. Within the grace window, by the same client, while the pair
 * it was exchanged for is still the grant's current one: that same pair. Otherwise it is a replay
 * (RFC 6819 §5.2.2.3): the whole grant is revoked.
 */
async function replayOrRevoke(db: Kysely<Database>, client: Client, token: string, grantId: string, now: Date): Promise<TokenResponse> {
	// How long a just-rotated token may come back and get the same pair (RFC 9700 §4.14.2): parallel refreshes stay connected.
	const graceMs = serverEnv().OAUTH_REFRESH_GRACE_SECONDS * 1000;
	const used = await db
		.selectFrom('oauth_refresh_tokens')
		.select(['client_id', 'used_at', 'successor'])
		.where('token_hash', '=', sha256Hex(token))
		.executeTakeFirst();
	const withinGrace =
		used?.used_at != null && used.client_id === client.id && used.successor !== null && now.getTime() - used.used_at.getTime() <= graceMs;
	const opened = withinGrace && used?.successor ? openWith(token, SUCCESSOR_PURPOSE, used.successor) : null;
	if (opened) {
		const successor = JSON.parse(opened) as Successor;
		const current = await db
			.selectFrom('oauth_refresh_tokens')
			.select('token_hash')
			.where('token_hash', '=', sha256Hex(successor.refresh_token))
			.where('used_at', 'is', null)
			.executeTakeFirst();
		const live = current ? await validateSessionToken(db, successor.access_token, now) : null;
		if (live) {
			const { expires_at, ...pair } = successor;
			return { ...pair, expires_in: Math.max(1, Math.floor((live.session.expires_at.getTime() - now.getTime()) / 1000)) };
		}
	}
	await revokeGrant(db, grantId);
	throw invalidGrant('The refresh token was already used; the app has been disconnected and must be approved again.');
}

/**
 * RFC 7009 §2.1: revokes an access or refresh token of this client and the rest of its grant.
 * An unknown or already revoked token is not an error (§2.2); a token of another client is refused.
 */
export async function revoke(db: Kysely<Database>, client: Client, params: Record<string, string>, now: Date): Promise<void> {
	const token = params.token;
	if (!token) throw new OAuthError('invalid_request', 'token is required.');
	// The hint only orders the lookups; both kinds are always tried (§2.1).
	const refreshFirst = params.token_type_hint === 'refresh_token';
	const attempts = refreshFirst ? [revokeRefresh, revokeAccess] : [revokeAccess, revokeRefresh];
	for (const attempt of attempts) {
		if (await attempt(db, client, token, now)) return;
	}
}

async function revokeAccess(db: Kysely<Database>, client: Client, token: string, now: Date): Promise<boolean> {
	const found = await validateSessionToken(db, token, now);
	if (found?.session.kind !== 'oauth') return false;
	if (found.session.client_id !== client.id) {
		throw new OAuthError('unauthorized_client', 'This token was issued to another client.');
	}
	await invalidateSession(db, found.session.id);
	return true;
}

async function revokeRefresh(db: Kysely<Database>, client: Client, token: string): Promise<boolean> {
	const row = await db
		.selectFrom('oauth_refresh_tokens')
		.select(['grant_id', 'client_id'])
		.where('token_hash', '=', sha256Hex(token))
		.executeTakeFirst();
	if (!row) return false;
	if (row.client_id !== client.id) throw new OAuthError('unauthorized_client', 'This token was issued to another client.');
	await revokeGrant(db, row.grant_id);
	return true;
}
