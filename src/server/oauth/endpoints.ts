/** The OAuth HTTP endpoints; the route files in src/pages/oauth/ only bind them. */
import type { APIContext } from 'astro';
import { ApiError } from '../api/errors.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import { getServices } from '../services.ts';
import { createClient, MAX_CLIENT_NAME_LENGTH, MAX_REDIRECT_URIS, redirectUriProblem } from './clients.ts';
import { issuerOf, SUPPORTED_SCOPES } from './config.ts';
import { jsonResponse, OAuthError, oauthErrorResponse, oauthRateLimitedResponse } from './errors.ts';
import { authenticateClient, readOAuthBody, readParams } from './http.ts';
import { clientAddress } from '../client-address.ts';
import { exchangeCode, refresh, revoke } from './tokens.ts';

/**
 * CORS for browser-based clients (the RFC 8414 metadata already allows any origin): these endpoints take no
 * cookies, only client credentials and codes or tokens in the request itself, so any origin may call them.
 */
export const OAUTH_CORS = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After, RateLimit, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset',
} as const;

function withCors(response: Response): Response {
	for (const [name, value] of Object.entries(OAUTH_CORS)) response.headers.set(name, value);
	return response;
}

async function guarded(work: () => Promise<Response>): Promise<Response> {
	try {
		return withCors(await work());
	} catch (error) {
		if (error instanceof OAuthError) return withCors(oauthErrorResponse(error));
		if (error instanceof ApiError && error.status === 429) return withCors(oauthRateLimitedResponse(error.message, error.headers));
		throw error;
	}
}

/** OPTIONS on the token, revocation and registration endpoints: the CORS preflight. */
export function oauthPreflight(): Response {
	return new Response(null, {
		status: 204,
		headers: {
			...OAUTH_CORS,
			'Access-Control-Allow-Methods': 'POST',
			'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
			'Access-Control-Max-Age': '600',
		},
	});
}

/** POST /oauth/token (RFC 6749 §3.2, §4.1.3, §6). */
export function tokenEndpoint({ request }: APIContext): Promise<Response> {
	return guarded(async () => {
		const { db, env } = await getServices();
		const now = new Date();
		const origin = issuerOf(env.PUBLIC_ORIGIN);
		const params = await readParams(request);
		const client = await authenticateClient(db, request, params);
		const grantType = params.grant_type;
		if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required.');
		if (grantType === 'authorization_code') return jsonResponse(await exchangeCode(db, client, params, now, origin));
		if (grantType === 'refresh_token') return jsonResponse(await refresh(db, client, params, now, origin));
		throw new OAuthError('unsupported_grant_type', 'Supported grant types: authorization_code, refresh_token.');
	});
}

/** POST /oauth/revoke (RFC 7009 §2). */
export function revocationEndpoint({ request }: APIContext): Promise<Response> {
	return guarded(async () => {
		const { db } = await getServices();
		const params = await readParams(request);
		const client = await authenticateClient(db, request, params);
		await revoke(db, client, params, new Date());
		return new Response(null, { status: 200, headers: { 'Cache-Control': 'no-store' } });
	});
}

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

function metadataError(description: string): OAuthError {
	return new OAuthError('invalid_client_metadata', description);
}

/**
 * POST /oauth/register (RFC 7591 §3): dynamic registration for MCP clients. `none` makes a public
 * client (PKCE required); otherwise a secret is issued once. Rate-limited per address.
 */
export function registrationEndpoint(context: APIContext): Promise<Response> {
	return guarded(async () => {
		const { db, limits } = await getServices();
		await consumeOrThrow(limits.oauthRegistrations, `register:${clientAddress(context)}`, 'client registrations from this address');
		const type = (context.request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
		if (type !== 'application/json')
			throw new OAuthError('invalid_request', 'Send the client metadata as application/json (RFC 7591 §3.1).');
		const text = await readOAuthBody(context.request);
		let body: Record<string, unknown>;
		try {
			const parsed: unknown = JSON.parse(text);
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
			body = parsed as Record<string, unknown>;
		} catch {
			throw metadataError('The body must be a JSON object of client metadata.');
		}

		const uris = body.redirect_uris;
		if (!Array.isArray(uris) || uris.length === 0)
			throw new OAuthError('invalid_redirect_uri', 'redirect_uris must list at least one URI.');
		if (uris.length > MAX_REDIRECT_URIS) throw new OAuthError('invalid_redirect_uri', `At most ${MAX_REDIRECT_URIS} redirect_uris.`);
		for (const uri of uris) {
			const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'must be a string';
			if (problem) throw new OAuthError('invalid_redirect_uri', `Redirect URI ${JSON.stringify(uri)} ${problem}.`);
		}
		// RFC 7591 §2: the default method is client_secret_basic.
		const method = body.token_endpoint_auth_method ?? 'client_secret_basic';
		if (typeof method !== 'string' || !(AUTH_METHODS as readonly string[]).includes(method)) {
			throw metadataError(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`);
		}
		const grantTypes = body.grant_types ?? ['authorization_code'];
		if (!Array.isArray(grantTypes) || grantTypes.some((g) => typeof g !== 'string' || !GRANT_TYPES.includes(g))) {
			throw metadataError(`grant_types may only contain ${GRANT_TYPES.join(', ')}.`);
		}
		const responseTypes = body.response_types ?? ['code'];
		if (!Array.isArray(responseTypes) || responseTypes.some((r) => r !== 'code'))
			throw metadataError('response_types may only contain "code".');
		if (body.scope !== undefined) {
			const scopes = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : null;
			if (!scopes || scopes.some((s) => !(SUPPORTED_SCOPES as string[]).includes(s))) {
				throw metadataError(`scope may only contain ${SUPPORTED_SCOPES.join(' ')}.`);
			}
		}
		const rawName = body.client_name ?? 'Unnamed app';
		if (typeof rawName !== 'string' || !rawName.trim()) throw metadataError('client_name must be a non-empty string.');
		const name = rawName.trim().slice(0, MAX_CLIENT_NAME_LENGTH);

		const { client, secret } = await createClient(db, {
			name,
			redirectUris: uris as string[],
			isPublic: method === 'none',
			dynamicallyRegistered: true,
		});
		return jsonResponse(
			{
				client_id: client.id,
				client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
				...(secret === null ? {} : { client_secret: secret, client_secret_expires_at: 0 }),
				client_name: client.name,
				redirect_uris: client.redirectUris,
				grant_types: [...new Set([...(grantTypes as string[]), 'refresh_token'])],
				response_types: ['code'],
				token_endpoint_auth_method: method,
				scope: SUPPORTED_SCOPES.join(' '),
			},
			201,
		);
	});
}

/** GET /.well-known/oauth-authorization-server (RFC 8414 §2–3). */
export async function metadataEndpoint(): Promise<Response> {
	const { env } = await getServices();
	const issuer = issuerOf(env.PUBLIC_ORIGIN);
	const body = {
		issuer,
		authorization_endpoint: `${issuer}/oauth/authorize`,
		token_endpoint: `${issuer}/oauth/token`,
		revocation_endpoint: `${issuer}/oauth/revoke`,
		registration_endpoint: `${issuer}/oauth/register`,
		scopes_supported: SUPPORTED_SCOPES,
		response_types_supported: ['code'],
		response_modes_supported: ['query'],
		grant_types_supported: GRANT_TYPES,
		code_challenge_methods_supported: ['S256'],
		token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
		revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
		authorization_response_iss_parameter_supported: true,
		// A client_id may be the https URL of the client's own metadata document (client-metadata.ts).
		client_id_metadata_document_supported: true,
		service_documentation: `${issuer}/docs`,
	};
	return new Response(JSON.stringify(body, null, 2), {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Cache-Control': 'public, max-age=300',
			// Public metadata: browser-based MCP clients may read it.
			'Access-Control-Allow-Origin': '*',
		},
	});
}

/** Any other method on a POST-only endpoint. */
export function methodNotAllowed(): Response {
	return withCors(jsonResponse({ error: 'invalid_request', error_description: 'Use POST.' }, 405, { Allow: 'POST' }));
}
