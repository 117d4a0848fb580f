/**
 * OAuth's own error shape (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7591 §3.2.2): `{ error,
 * error_description }`, not the API's `{ error: { code, message } }`, because OAuth clients parse it.
 */
export type OAuthErrorCode =
	| 'invalid_request'
	| 'invalid_client'
	| 'invalid_grant'
	| 'unauthorized_client'
	| 'unsupported_grant_type'
	| 'invalid_scope'
	| 'unsupported_token_type'
	| 'invalid_redirect_uri'
	| 'invalid_client_metadata'
	/** RFC 8707 §2: the `resource` is not one this server issues tokens for. */
	| 'invalid_target'
	| 'temporarily_unavailable';

export class OAuthError extends Error {
	readonly code: OAuthErrorCode;
	readonly status: number;
	readonly headers: Record<string, string>;
	constructor(code: OAuthErrorCode, description: string, options: { status?: number; headers?: Record<string, string> } = {}) {
		super(description);
		this.name = 'OAuthError';
		this.code = code;
		this.status = options.status ?? 400;
		this.headers = options.headers ?? {};
	}
}

/** RFC 6749 §5.2: a client that failed to authenticate gets 401 and a Basic challenge. */
export function invalidClient(description = 'Client authentication failed.'): OAuthError {
	return new OAuthError('invalid_client', description, {
		status: 401,
		headers: { 'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"' },
	});
}

/** Token-endpoint responses must not be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE, ...headers },
	});
}

export function oauthErrorResponse(error: OAuthError): Response {
	return jsonResponse({ error: error.code, error_description: error.message }, error.status, error.headers);
}

/** A rate-limit refusal as an RFC 6749 §5.2 error body, so OAuth clients parse it; Retry-After says when to come back. */
export function oauthRateLimitedResponse(message: string, headers: Record<string, string>): Response {
	return jsonResponse({ error: 'temporarily_unavailable', error_description: message }, 429, headers);
}
