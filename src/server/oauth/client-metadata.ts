/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, preferred by the MCP
 * authorization spec 2025-11-25 over dynamic registration): a client_id that is an https URL names a JSON
 * document the client hosts. We fetch it (no redirects, 5 s, 5 KB, public addresses only), check it with
 * zod (its client_id is that URL, its redirect_uris are valid, no shared secret), keep it in an oauth_clients
 * row whose id is the URL (so codes, tokens and sessions reference it like any client) and cache it for its
 * HTTP freshness within bounds. Decision record: docs/decisions/0014-client-id-metadata-documents.md.
 */
import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';
import { z } from 'astro/zod';
import { fieldPath } from '../../content/errors.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
	type Client,
	findClient,
	MAX_CLIENT_ID_LENGTH,
	MAX_CLIENT_NAME_LENGTH,
	MAX_REDIRECT_URIS,
	redirectUriProblem,
	toClient,
} from './clients.ts';
import { SUPPORTED_SCOPES } from './config.ts';

/** The draft's recommended ceiling (§6.6). */
export const MAX_DOCUMENT_BYTES = 5 * 1024;
export const FETCH_TIMEOUT_MS = 5_000;
/** Cache lifetime bounds (§5.2 lets the server set them): one sign-in is several requests; a day at most. */
export const MIN_CACHE_SECONDS = 60;
export const MAX_CACHE_SECONDS = 24 * 60 * 60;
/** Without Cache-Control max-age or Expires. */
export const DEFAULT_CACHE_SECONDS = 10 * 60;
const MAX_CACHED = 1000;

/** Why a metadata-document client cannot be used: shown to the learner, and an RFC 6749 error for the app. */
export class ClientMetadataError extends Error {
	readonly error = 'invalid_client' as const;
	constructor(message: string) {
		super(message);
		this.name = 'ClientMetadataError';
	}
}

/** True for a client_id that names a metadata document: our own ids are random base32, never URLs (§7.1). */
export function isMetadataDocumentClientId(clientId: string): boolean {
	return clientId.startsWith('https://');
}

/** Why a client_id URL is not a valid Client Identifier URL (§3), or null. */
export function clientIdUrlProblem(clientId: string): string | null {
	if (clientId.length > MAX_CLIENT_ID_LENGTH) return `is longer than ${MAX_CLIENT_ID_LENGTH} characters`;
	let url: URL;
	try {
		url = new URL(clientId);
	} catch {
		return 'is not a URL';
	}
	if (url.protocol !== 'https:') return 'must use https';
	if (clientId.includes('#')) return 'must not contain a fragment';
	if (url.username || url.password) return 'must not contain a user name or password';
	// The raw path, before URL parsing resolves dot segments away.
	const rawPath = /^https:\/\/[^/?#]*(\/[^?#]*)?/i.exec(clientId)?.[1] ?? '';
	if (rawPath === '' || rawPath === '/') return 'must have a path, e.g. https://app.example/oauth/client.json';
	if (rawPath.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return 'must not contain . or .. path segments';
	return null;
}

const documentSchema = z
	.looseObject({
		client_id: z.string(),
		client_name: z.string().trim().min(1, 'client_name must not be empty'),
		redirect_uris: z
			.array(z.string())
			.min(1, 'redirect_uris must list at least one URI')
			.max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect_uris`),
		// Absent: there is no secret to authenticate with, so the client can only be public.
		token_endpoint_auth_method: z
			.literal('none', 'token_endpoint_auth_method must be "none": this server accepts no other method for such clients')
			.optional(),
		grant_types: z
			.array(z.enum(['authorization_code', 'refresh_token'], 'grant_types may only contain authorization_code and refresh_token'))
			.optional(),
		response_types: z.array(z.literal('code', 'response_types may only contain "code"')).optional(),
		scope: z
			.string()
			.refine(
				(s) =>
					s
						.split(' ')
						.filter(Boolean)
						.every((scope) => (SUPPORTED_SCOPES as string[]).includes(scope)),
				{
					message: `scope may only contain ${SUPPORTED_SCOPES.join(' ')}`,
				},
			)
			.optional(),
		client_secret: z.never('a metadata document must not contain client_secret').optional(),
		client_secret_expires_at: z.never('a metadata document must not contain client_secret_expires_at').optional(),
	})
	.superRefine((doc, ctx) => {
		for (const uri of doc.redirect_uris) {
			const problem = redirectUriProblem(uri);
			if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI ${JSON.stringify(uri)} ${problem}` });
		}
	});

export type ClientMetadataDocument = z.infer<typeof documentSchema>;

/** Parses and checks a fetched document against the URL it was fetched from. */
export function parseClientMetadata(clientId: string, body: unknown): ClientMetadataDocument {
	const result = documentSchema.safeParse(body);
	if (!result.success) {
		const issue = result.error.issues[0];
		const field = issue ? fieldPath(issue.path) : '';
		throw new ClientMetadataError(`The app's metadata document is not valid: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}.`);
	}
	// §4: simple string comparison with the URL the document was fetched from.
	if (result.data.client_id !== clientId) {
		throw new ClientMetadataError("The app's metadata document names a different client_id than the address it is served from.");
	}
	return result.data;
}

const blockLists = new Map<boolean, net.BlockList>();

/** Addresses a metadata fetch must never reach (§6.5, SSRF): private, loopback, link-local, shared, reserved, multicast. */
function blockedAddresses(allowLoopback: boolean): net.BlockList {
	const built = blockLists.get(allowLoopback);
	if (built) return built;
	const list = new net.BlockList();
	const v4 = [
		['0.0.0.0', 8],
		['10.0.0.0', 8],
		['100.64.0.0', 10],
		['169.254.0.0', 16],
		['172.16.0.0', 12],
		['192.0.0.0', 24],
		['192.0.2.0', 24],
		['192.168.0.0', 16],
		['198.18.0.0', 15],
		['198.51.100.0', 24],
		['203.0.113.0', 24],
		['224.0.0.0', 4],
		['240.0.0.0', 4],
	] as const;
	for (const [address, prefix] of v4) list.addSubnet(address, prefix, 'ipv4');
	const v6 = [
		['::', 128],
		['64:ff9b::', 96],
		['100::', 64],
		['2001:db8::', 32],
		['fc00::', 7],
		['fe80::', 10],
		['ff00::', 8],
	] as const;
	for (const [address, prefix] of v6) list.addSubnet(address, prefix, 'ipv6');
	// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked against the IPv4 rules by BlockList itself.
	if (!allowLoopback) {
		list.addSubnet('127.0.0.0', 8, 'ipv4');
		list.addAddress('::1', 'ipv6');
	}
	blockLists.set(allowLoopback, list);
	return list;
}

export function isBlockedAddress(address: string, allowLoopback: boolean): boolean {
	const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
	if (family === null) return true;
	return blockedAddresses(allowLoopback).check(address, family);
}

class FetchProblem extends Error {}

/**
 * One GET of the document: the address is checked when the socket connects (the `lookup` hook), so a DNS
 * answer cannot change between the check and the connection; redirects are not followed (§5).
 */
function fetchDocument(
	clientId: string,
	allowLoopback: boolean,
): Promise<{ body: unknown; headers: Record<string, string | string[] | undefined> }> {
	const url = new URL(clientId);
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (net.isIP(host) && isBlockedAddress(host, allowLoopback)) {
		return Promise.reject(new FetchProblem('its address is not a public one'));
	}
	const lookup: net.LookupFunction = (hostname, options, callback) => {
		dns.lookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
			if (error) return callback(error, '', 0);
			const refused = addresses.find((a) => isBlockedAddress(a.address, allowLoopback));
			if (refused || addresses.length === 0) return callback(new FetchProblem('its address is not a public one'), '', 0);
			if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
			const first = addresses[0] as dns.LookupAddress;
			callback(null, first.address, first.family);
		});
	};
	return new Promise((resolve, reject) => {
		const request = https.get(
			url,
			{
				lookup,
				headers: { accept: 'application/json', 'user-agent': 'CourseCompanion-OAuth (client metadata)' },
				timeout: FETCH_TIMEOUT_MS,
				signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
			},
			(response) => {
				if (response.statusCode !== 200) {
					response.resume();
					const redirect = response.statusCode && response.statusCode >= 300 && response.statusCode < 400;
					return reject(
						new FetchProblem(redirect ? 'it answered with a redirect, which is not followed' : `it answered HTTP ${response.statusCode}`),
					);
				}
				const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
				if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
					response.resume();
					return reject(new FetchProblem('it is not served as application/json'));
				}
				const declared = Number(response.headers['content-length']);
				if (declared > MAX_DOCUMENT_BYTES) {
					response.destroy();
					return reject(new FetchProblem(`it is larger than ${MAX_DOCUMENT_BYTES} bytes`));
				}
				const chunks: Buffer[] = [];
				let size = 0;
				response.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > MAX_DOCUMENT_BYTES) {
						response.destroy();
						reject(new FetchProblem(`it is larger than ${MAX_DOCUMENT_BYTES} bytes`));
						return;
					}
					chunks.push(chunk);
				});
				response.on('error', reject);
				response.on('end', () => {
					try {
						resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: response.headers });
					} catch {
						reject(new FetchProblem('it is not valid JSON'));
					}
				});
			},
		);
		request.on('timeout', () => request.destroy(new FetchProblem(`it did not answer within ${FETCH_TIMEOUT_MS / 1000} s`)));
		request.on('error', reject);
	});
}

/** Seconds the document stays fresh per RFC 9111 (max-age, else Expires), within our bounds. */
export function freshnessSeconds(headers: Record<string, string | string[] | undefined>, now = Date.now()): number {
	const cacheControl = String(headers['cache-control'] ?? '').toLowerCase();
	let seconds: number | null = null;
	if (/(^|,)\s*(no-store|no-cache)\b/.test(cacheControl)) seconds = 0;
	const maxAge = /(^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(cacheControl);
	if (seconds === null && maxAge) seconds = Number(maxAge[2]);
	if (seconds === null && typeof headers.expires === 'string') {
		const expires = Date.parse(headers.expires);
		const date = typeof headers.date === 'string' ? Date.parse(headers.date) : now;
		seconds = Number.isNaN(expires) ? 0 : Math.max(0, Math.round((expires - (Number.isNaN(date) ? now : date)) / 1000));
	}
	return Math.min(MAX_CACHE_SECONDS, Math.max(MIN_CACHE_SECONDS, seconds ?? DEFAULT_CACHE_SECONDS));
}

interface Cached {
	name: string;
	redirectUris: string[];
	freshUntil: number;
}

/** Per process; the row in oauth_clients is shared. Errors and invalid documents are never cached (§5.2). */
const cache = new Map<string, Cached>();

function remember(clientId: string, entry: Cached): void {
	cache.delete(clientId);
	if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
	cache.set(clientId, entry);
}

/** Creates or refreshes the client row for a document. Self-described, so cleanup deletes it if it is never used. */
async function store(db: Kysely<Database>, clientId: string, entry: Cached): Promise<Client> {
	const row = await db
		.insertInto('oauth_clients')
		.values({
			id: clientId,
			name: entry.name,
			secret_hash: null,
			redirect_uris: JSON.stringify(entry.redirectUris),
			dynamically_registered: true,
		})
		.onConflict((oc) => oc.column('id').doUpdateSet({ name: entry.name, redirect_uris: JSON.stringify(entry.redirectUris) }))
		.returningAll()
		.executeTakeFirstOrThrow();
	return toClient(row);
}

export interface MetadataFetchOptions {
	allowLoopback: boolean;
	/** Called before each fetch (not for cache hits): the per-address limit on new clients. */
	beforeFetch?: () => Promise<unknown>;
	now?: number;
}

/**
 * The client a metadata-document client_id names: from the cache while fresh, otherwise fetched and checked
 * again (the document may have changed its redirect URIs). Throws ClientMetadataError when it cannot be used.
 */
export async function resolveMetadataClient(db: Kysely<Database>, clientId: string, options: MetadataFetchOptions): Promise<Client> {
	const problem = clientIdUrlProblem(clientId);
	if (problem) throw new ClientMetadataError(`The app's client_id ${problem}.`);
	const now = options.now ?? Date.now();
	const cached = cache.get(clientId);
	if (cached && cached.freshUntil > now) {
		const existing = await findClient(db, clientId);
		return existing ?? store(db, clientId, cached);
	}
	await options.beforeFetch?.();
	let fetched: Awaited<ReturnType<typeof fetchDocument>>;
	try {
		fetched = await fetchDocument(clientId, options.allowLoopback);
	} catch (error) {
		cache.delete(clientId);
		const timedOut = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
		const reason =
			error instanceof FetchProblem
				? error.message
				: timedOut
					? `it did not answer within ${FETCH_TIMEOUT_MS / 1000} s`
					: 'it could not be reached';
		throw new ClientMetadataError(`The app's metadata document could not be fetched: ${reason}.`);
	}
	let document: ClientMetadataDocument;
	try {
		document = parseClientMetadata(clientId, fetched.body);
	} catch (error) {
		cache.delete(clientId);
		throw error;
	}
	const entry: Cached = {
		name: document.client_name.slice(0, MAX_CLIENT_NAME_LENGTH),
		redirectUris: [...new Set(document.redirect_uris)],
		freshUntil: now + freshnessSeconds(fetched.headers, now) * 1000,
	};
	remember(clientId, entry);
	return store(db, clientId, entry);
}
