/**
 * The authorization endpoint's checks (RFC 6749 §4.1.1, §4.1.2.1, RFC 7636 §4.3–4.4) and code
 * issuance. The client and redirect URI are checked first: until both are known to be right,
 * every problem is shown to the user and nothing is redirected (§3.1.2.4, §4.1.2.1).
 */
import { CODE_REPLAY_WINDOW_MS } from '../db/cleanup.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ApiError } from '../api/errors.ts';
import { type Client, findClient, isRegisteredRedirectUri } from './clients.ts';
import { serverEnv } from '../env.ts';
import { ClientMetadataError, isMetadataDocumentClientId, type MetadataFetchOptions, resolveMetadataClient } from './client-metadata.ts';
import { DEFAULT_SCOPE, type Scope, SUPPORTED_SCOPES } from './config.ts';
import { randomToken, S256_CHALLENGE_PATTERN, sha256Hex } from './crypto.ts';
import { normaliseResource, supportedResources } from './resource.ts';

export interface AuthorizationRequest {
	client: Client;
	redirectUri: string;
	/** Null only with PKCE: the S256 challenge already binds the response to this request (OAuth 2.1 §7.5.3). */
	state: string | null;
	scopes: Scope[];
	/** S256 challenge; null only for confidential clients that send none (ChatGPT Actions). */
	codeChallenge: string | null;
	/** RFC 8707 resource the tokens will be bound to; null or absent when the client asked for none. */
	resource?: string | null;
}

export type AuthorizeCheck =
	/**
	 * Shown on our own page: the client or redirect URI cannot be trusted with a redirect (RFC 6749 §4.1.2.1).
	 * `error` is the RFC 6749 code, shown for the app's developer.
	 */
	| { kind: 'error'; status: number; title: string; message: string; error: PageErrorCode }
	/** Sent back to the client's redirect URI (RFC 6749 §4.1.2.1). */
	| { kind: 'redirect'; location: string }
	| { kind: 'ok'; request: AuthorizationRequest };

const PARAMS = ['client_id', 'redirect_uri', 'response_type', 'state', 'scope', 'code_challenge', 'code_challenge_method'] as const;

type PageErrorCode = 'invalid_request' | 'invalid_client' | 'temporarily_unavailable';

function pageError(title: string, message: string, status = 400, error: PageErrorCode = 'invalid_request'): AuthorizeCheck {
	return { kind: 'error', status, title, message, error };
}

/** The client a client_id names: registered here, or described by its metadata document (an https URL). */
async function lookUpClient(
	db: Kysely<Database>,
	clientId: string,
	metadata: MetadataFetchOptions,
): Promise<{ client: Client } | { refused: AuthorizeCheck }> {
	if (!isMetadataDocumentClientId(clientId)) {
		const client = await findClient(db, clientId);
		if (client) return { client };
		return {
			refused: pageError(
				'Unknown app',
				'No app is registered with this client_id, so it cannot be connected to your account.',
				400,
				'invalid_client',
			),
		};
	}
	try {
		return { client: await resolveMetadataClient(db, clientId, metadata) };
	} catch (error) {
		if (error instanceof ClientMetadataError) {
			return { refused: pageError('This app cannot be connected', error.message, 400, 'invalid_client') };
		}
		if (error instanceof ApiError && error.status === 429) {
			return { refused: pageError('Too many new apps', error.message, 429, 'temporarily_unavailable') };
		}
		throw error;
	}
}

/** `redirect_uri` with the response parameters appended (its own query is kept, §3.1.2). */
export function buildRedirect(redirectUri: string, params: Record<string, string>): string {
	const url = new URL(redirectUri);
	for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
	return url.toString();
}

/** An error for the client, with `state` (when the client sent one) and `iss` (RFC 9207) as on success. */
export function errorRedirect(
	redirectUri: string,
	state: string | null,
	issuer: string,
	error: string,
	description: string,
): { kind: 'redirect'; location: string } {
	const params = { error, error_description: description, ...(state === null ? {} : { state }), iss: issuer };
	return { kind: 'redirect', location: buildRedirect(redirectUri, params) };
}

export async function checkAuthorizeRequest(
	db: Kysely<Database>,
	query: URLSearchParams,
	issuer: string,
	metadata: MetadataFetchOptions,
): Promise<AuthorizeCheck> {
	const repeated = PARAMS.filter((name) => query.getAll(name).length > 1);
	if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
		return pageError(
			'This sign-in link is broken',
			'The app sent client_id or redirect_uri more than once. Go back to the app and try again.',
		);
	}
	const clientId = query.get('client_id');
	if (!clientId) return pageError('This sign-in link is broken', 'The app did not say who it is (client_id is missing).');
	const found = await lookUpClient(db, clientId, metadata);
	if ('refused' in found) return found.refused;
	const { client } = found;
	const redirectUri = query.get('redirect_uri');
	if (!redirectUri) return pageError('This sign-in link is broken', 'The app did not say where to return (redirect_uri is missing).');
	if (!isRegisteredRedirectUri(client, redirectUri)) {
		return pageError(
			'This sign-in link is not allowed',
			`The return address is not one that “${client.name}” registered, so we will not send you there.`,
		);
	}
	const state = query.get('state') || null;
	if (repeated.includes('state')) return pageError('This sign-in link is broken', 'The app sent state more than once.');
	// OAuth 2.1 §7.5.3: PKCE protects the response as state would; a client without PKCE must send state.
	if (!state && !query.get('code_challenge')) {
		return pageError(
			'This sign-in link is broken',
			'The app did not send a state value, which protects this sign-in. Go back and try again.',
		);
	}
	// From here on the redirect URI is trusted: errors go back to the app.
	const fail = (error: string, description: string) => errorRedirect(redirectUri, state, issuer, error, description);
	if (repeated.length > 0) return fail('invalid_request', `Repeated parameter: ${repeated.join(', ')}.`);

	const responseType = query.get('response_type');
	if (!responseType) return fail('invalid_request', 'response_type is required.');
	if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');

	const requested = (query.get('scope') ?? '').split(' ').filter(Boolean);
	const unknown = requested.filter((s) => !(SUPPORTED_SCOPES as string[]).includes(s));
	if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}. Supported: ${SUPPORTED_SCOPES.join(' ')}.`);
	const scopes = requested.length > 0 ? ([...new Set(requested)] as Scope[]) : [DEFAULT_SCOPE];

	const challenge = query.get('code_challenge');
	const method = query.get('code_challenge_method');
	if (challenge === null) {
		if (method !== null) return fail('invalid_request', 'code_challenge_method was sent without code_challenge.');
		if (client.isPublic) return fail('invalid_request', 'This client must use PKCE: send code_challenge with code_challenge_method=S256.');
	} else {
		// RFC 7636 §4.3: an absent method means "plain", which this server does not support (§4.4.1).
		if (method !== 'S256') return fail('invalid_request', 'Only code_challenge_method=S256 is supported.');
		if (!S256_CHALLENGE_PATTERN.test(challenge)) {
			return fail('invalid_request', 'code_challenge must be the 43-character base64url SHA-256 of the verifier.');
		}
	}
	// RFC 8707 §2: one of our resources, or none (the token is then unbound, as ChatGPT Actions expect).
	const resources = query.getAll('resource');
	if (resources.length > 1) return fail('invalid_target', 'Ask for one resource per authorization request.');
	let resource: string | null = null;
	if (resources.length === 1) {
		resource = normaliseResource(resources[0] as string, issuer);
		if (!resource) {
			return fail('invalid_target', `This server issues tokens only for ${supportedResources(issuer).join(' and ')}.`);
		}
	}
	return { kind: 'ok', request: { client, redirectUri, state, scopes, codeChallenge: challenge, resource } };
}

/**
 * Issues a single-use code (stored hashed, short-lived: RFC 6749 §4.1.2, §10.5) and returns the
 * redirect carrying it with the unchanged `state`.
 */
export async function approve(
	db: Kysely<Database>,
	request: AuthorizationRequest,
	userId: string,
	issuer: string,
	now: Date,
): Promise<string> {
	const code = randomToken();
	// Used codes are kept while they could still be replayed, so a replay can revoke the grant.
	await db
		.deleteFrom('oauth_codes')
		.where('expires_at', '<', new Date(now.getTime() - CODE_REPLAY_WINDOW_MS))
		.execute();
	await db
		.insertInto('oauth_codes')
		.values({
			code_hash: sha256Hex(code),
			client_id: request.client.id,
			user_id: userId,
			redirect_uri: request.redirectUri,
			scope: request.scopes.join(' '),
			code_challenge: request.codeChallenge,
			code_challenge_method: request.codeChallenge ? 'S256' : null,
			resource: request.resource ?? null,
			expires_at: new Date(now.getTime() + serverEnv().OAUTH_CODE_TTL_SECONDS * 1000),
		})
		.execute();
	return buildRedirect(request.redirectUri, { code, ...(request.state === null ? {} : { state: request.state }), iss: issuer });
}

/**
 * The site's CSP with the redirect URI's origin added to `form-action`: browsers check that
 * directive against the redirect that follows a form post, so Allow and Deny would be blocked.
 */
export function allowFormRedirect(policy: string, redirectUri: string): string {
	const origin = new URL(redirectUri).origin;
	return policy
		.split(';')
		.map((directive) => directive.trim())
		.map((directive) => (/^form-action\s/.test(directive) ? `${directive} ${origin}` : directive))
		.join('; ');
}

/** The user said no (RFC 6749 §4.1.2.1 access_denied). */
export function deny(request: AuthorizationRequest, issuer: string): string {
	return errorRedirect(request.redirectUri, request.state, issuer, 'access_denied', 'The learner did not allow access.').location;
}
