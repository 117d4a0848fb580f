/**
 * OAuth clients: registered by the CLI (scripts/oauth.ts) or dynamically (RFC 7591). A client
 * with a secret is confidential (ChatGPT Actions); one without is public and must use PKCE.
 */
import type { Kysely } from 'kysely';
import type { Database, OauthClient } from '../db/schema.ts';
import { constantTimeEqualStrings, randomClientId, randomToken, sha256Hex } from './crypto.ts';

export interface Client {
	id: string;
	name: string;
	/** Public clients have no secret and must send a PKCE challenge (RFC 7636, OAuth 2.1 §2.1). */
	isPublic: boolean;
	redirectUris: string[];
	createdAt: Date;
	/** SHA-256 (hex) of the secret; null for a public client. */
	secretHash: string | null;
}

export interface NewClientInput {
	name: string;
	redirectUris: string[];
	isPublic: boolean;
	/** Registered through POST /oauth/register (RFC 7591): deleted by the cleanup if never used. Default false. */
	dynamicallyRegistered?: boolean;
}

export const MAX_CLIENT_NAME_LENGTH = 100;
export const MAX_REDIRECT_URIS = 10;
/** Our own ids are 26 characters; a Client ID Metadata Document URL (client-metadata.ts) may be this long. */
export const MAX_CLIENT_ID_LENGTH = 1000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function toClient(row: OauthClient): Client {
	return {
		id: row.id,
		name: row.name,
		isPublic: row.secret_hash === null,
		redirectUris: row.redirect_uris,
		createdAt: row.created_at,
		secretHash: row.secret_hash,
	};
}

/**
 * Why a redirect URI cannot be registered, or null when it can: an absolute URI without a
 * fragment (RFC 6749 §3.1.2), https, or http on a loopback host for native apps (RFC 8252 §7.3).
 */
export function redirectUriProblem(uri: string): string | null {
	if (typeof uri !== 'string' || uri.length === 0) return 'must be a non-empty string';
	if (uri.length > 2000) return 'must be at most 2000 characters';
	let url: URL;
	try {
		url = new URL(uri);
	} catch {
		return 'must be an absolute URL';
	}
	if (uri.includes('#')) return 'must not contain a fragment (#)';
	if (url.username || url.password) return 'must not contain a user name or password';
	if (url.protocol === 'https:') return null;
	if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
	return 'must use https (or http on localhost, 127.0.0.1 or [::1] for apps on this device)';
}

/** Registers a client; the secret (confidential clients only) is returned once and stored hashed. */
export async function createClient(db: Kysely<Database>, input: NewClientInput): Promise<{ client: Client; secret: string | null }> {
	const name = input.name.trim();
	if (!name || name.length > MAX_CLIENT_NAME_LENGTH) throw new Error(`The client name must be 1–${MAX_CLIENT_NAME_LENGTH} characters.`);
	if (input.redirectUris.length === 0) throw new Error('A client needs at least one redirect URI.');
	if (input.redirectUris.length > MAX_REDIRECT_URIS) throw new Error(`A client may have at most ${MAX_REDIRECT_URIS} redirect URIs.`);
	for (const uri of input.redirectUris) {
		const problem = redirectUriProblem(uri);
		if (problem) throw new Error(`Redirect URI ${JSON.stringify(uri)} ${problem}.`);
	}
	const secret = input.isPublic ? null : randomToken();
	const row = await db
		.insertInto('oauth_clients')
		.values({
			id: randomClientId(),
			name,
			secret_hash: secret === null ? null : sha256Hex(secret),
			redirect_uris: JSON.stringify([...new Set(input.redirectUris)]),
			dynamically_registered: input.dynamicallyRegistered ?? false,
		})
		.returningAll()
		.executeTakeFirstOrThrow();
	return { client: toClient(row), secret };
}

export async function findClient(db: Kysely<Database>, clientId: string): Promise<Client | undefined> {
	// PostgreSQL refuses NUL in text: such an id names no client (and must not become a 500).
	if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH || clientId.includes('\0'))
		return undefined;
	const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();
	return row ? toClient(row) : undefined;
}

/** True only for a confidential client whose secret matches (constant-time on the hashes). */
export function verifyClientSecret(client: Client, secret: string): boolean {
	if (client.secretHash === null || typeof secret !== 'string') return false;
	return constantTimeEqualStrings(sha256Hex(secret), client.secretHash);
}

/**
 * Exact string comparison, as RFC 6749 §3.1.2.3 and OAuth 2.1 §4.1.3 require: no prefix or pattern
 * matching. The one exception is RFC 8252 §7.3: an http loopback redirect URI matches on any port, since
 * a native app listens on whatever port is free at the time; scheme, host, path and query still match exactly.
 */
export function isRegisteredRedirectUri(client: Client, redirectUri: string): boolean {
	if (client.redirectUris.includes(redirectUri)) return true;
	const asked = loopbackWithoutPort(redirectUri);
	return asked !== null && client.redirectUris.some((registered) => loopbackWithoutPort(registered) === asked);
}

/** An http loopback URI with its port removed, or null for any other URI. */
function loopbackWithoutPort(uri: string): string | null {
	let url: URL;
	try {
		url = new URL(uri);
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password || uri.includes('#')) return null;
	return `http://${url.hostname}${url.pathname}${url.search}`;
}

export async function listClients(db: Kysely<Database>): Promise<Client[]> {
	const rows = await db.selectFrom('oauth_clients').selectAll().orderBy('created_at').orderBy('id').execute();
	return rows.map(toClient);
}

/**
 * Removes a client and disconnects it everywhere: its sessions (access tokens) go too, which
 * cascades to its refresh tokens; its codes cascade from the client row. False when unknown.
 */
export async function removeClient(db: Kysely<Database>, clientId: string): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		await trx.deleteFrom('sessions').where('kind', '=', 'oauth').where('client_id', '=', clientId).execute();
		const result = await trx.deleteFrom('oauth_clients').where('id', '=', clientId).executeTakeFirst();
		return Number(result.numDeletedRows) > 0;
	});
}

/**
 * Deletes clients that registered themselves before `registeredBefore` and never had a code, token or
 * session issued (`first_used_at`, recorded by the database on the first issue). Anyone may register a
 * client, so without this the table only grows. Operator-registered clients are never deleted here.
 */
export async function deleteUnusedDynamicClients(db: Kysely<Database>, registeredBefore: Date): Promise<number> {
	const result = await db
		.deleteFrom('oauth_clients')
		.where('dynamically_registered', '=', true)
		.where('first_used_at', 'is', null)
		.where('created_at', '<', registeredBefore)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
