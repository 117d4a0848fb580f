/** Reading token and revocation requests: the form body (or JSON) and the client's credentials. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type Client, findClient, verifyClientSecret } from './clients.ts';
import { BodyTooLargeError, MAX_OAUTH_BODY_BYTES, readBodyText } from '../http/body.ts';
import { invalidClient, OAuthError } from './errors.ts';

/** The body of an OAuth request, bounded while it streams; too large is an RFC 6749 `invalid_request`. */
export async function readOAuthBody(request: Request): Promise<string> {
	try {
		return await readBodyText(request, MAX_OAUTH_BODY_BYTES);
	} catch (error) {
		if (error instanceof BodyTooLargeError)
			throw new OAuthError('invalid_request', `The request body is larger than ${error.limit} bytes.`);
		throw error;
	}
}

/**
 * The request parameters. RFC 6749 §4.1.3 and RFC 7009 §2.1 use application/x-www-form-urlencoded;
 * a JSON object of strings is accepted too. A parameter sent twice is refused (RFC 6749 §3.2).
 */
export async function readParams(request: Request): Promise<Record<string, string>> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
	const text = await readOAuthBody(request);
	if (type === 'application/x-www-form-urlencoded') {
		const params: Record<string, string> = {};
		for (const [name, value] of new URLSearchParams(text)) {
			if (Object.hasOwn(params, name)) throw new OAuthError('invalid_request', `The parameter "${name}" is repeated.`);
			params[name] = value;
		}
		return params;
	}
	if (type === 'application/json') {
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			throw new OAuthError('invalid_request', 'The body is not valid JSON.');
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body)) {
			throw new OAuthError('invalid_request', 'The body must be a JSON object.');
		}
		const params: Record<string, string> = {};
		for (const [name, value] of Object.entries(body)) {
			if (value === undefined || value === null) continue;
			if (typeof value !== 'string') throw new OAuthError('invalid_request', `The parameter "${name}" must be a string.`);
			params[name] = value;
		}
		return params;
	}
	throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded (or application/json).');
}

/** `Authorization: Basic` credentials; RFC 6749 §2.3.1 form-encodes the id and secret before base64. */
function basicCredentials(request: Request): { id: string; secret: string } | null {
	const header = request.headers.get('authorization');
	if (!header || !/^basic\s/i.test(header)) return null;
	let decoded: string;
	try {
		decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
	} catch {
		throw invalidClient('The Basic credentials are malformed.');
	}
	const colon = decoded.indexOf(':');
	if (colon < 0) throw invalidClient('The Basic credentials are malformed.');
	try {
		const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
		return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
	} catch {
		throw invalidClient('The Basic credentials are malformed.');
	}
}

/**
 * Authenticates the client (RFC 6749 §2.3): client_secret_basic, client_secret_post, or `none`
 * for a public client, which only names itself with client_id. One method per request (§2.3).
 * Every failure is `invalid_client` with 401 and a Basic challenge (§5.2).
 */
export async function authenticateClient(db: Kysely<Database>, request: Request, params: Record<string, string>): Promise<Client> {
	const basic = basicCredentials(request);
	let clientId: string | undefined;
	let secret: string | undefined;
	if (basic) {
		if (params.client_secret !== undefined) {
			throw new OAuthError('invalid_request', 'Use one client authentication method: Basic or client_secret in the body, not both.');
		}
		if (params.client_id !== undefined && params.client_id !== basic.id) {
			throw new OAuthError('invalid_request', 'client_id in the body does not match the Basic credentials.');
		}
		clientId = basic.id;
		secret = basic.secret;
	} else {
		clientId = params.client_id;
		secret = params.client_secret;
	}
	if (!clientId) throw invalidClient('Client authentication is required: send client_id (and client_secret for a confidential client).');
	const client = await findClient(db, clientId);
	if (!client) throw invalidClient('Unknown client.');
	if (client.isPublic) {
		if (secret) throw invalidClient('This is a public client: it has no secret to send.');
		return client;
	}
	if (!secret) throw invalidClient('This client must authenticate with its client_secret.');
	if (!verifyClientSecret(client, secret)) throw invalidClient('The client secret is wrong.');
	return client;
}
