/**
 * Every on-demand request: request id, session → locals, CSRF check, rate limit, security headers.
 * Prerendered pages skip all of it at build time.
 */
import { randomUUID } from 'node:crypto';
import { defineMiddleware } from 'astro:middleware';
import { ApiError, apiErrorResponse, errorResponse } from './server/api/errors.ts';
import { authenticate, setSessionCookie } from './server/auth/request-auth.ts';
import { SESSION_COOKIE, SESSION_LIFETIME_MS } from './server/auth/sessions.ts';
import { clientAddress } from './server/client-address.ts';
import { requestNow } from './server/clock.ts';
import { csrfViolation } from './server/csrf.ts';
import { mcpRateLimitedResponse } from './server/mcp/http.ts';
import { OAUTH_CORS } from './server/oauth/endpoints.ts';
import { oauthRateLimitedResponse } from './server/oauth/errors.ts';
import { withStatementCount } from './server/db/statement-count.ts';
import { databaseUnavailablePage, databaseUnavailableResponse, isDatabaseUnavailable, wantsJson } from './server/db/unavailable.ts';
import { consumeOrThrow } from './server/rate-limit.ts';
import { securityHeaders } from './server/security-headers.ts';
import { getServices } from './server/services.ts';

/** Built once, not per response. */
const SECURITY_HEADERS = Object.entries(securityHeaders({ development: import.meta.env.DEV }));

/**
 * Every dynamic request counts against the per-learner (or per-address) limit, whatever its spelling
 * (`/mcp/`, `//api/v1/me`, `/Dashboard`): only the health probes are exempt. Prerendered files never get here.
 */
const UNLIMITED = new Set(['/api/health', '/api/ready']);
function isLimited(pathname: string): boolean {
	const normal =
		pathname
			.toLowerCase()
			.replace(/\/{2,}/g, '/')
			.replace(/\/+$/, '') || '/';
	return !UNLIMITED.has(normal);
}

const handleRequest = defineMiddleware(async (context, next) => {
	// Static pages need nothing from here (and get no request headers in dev); `npm run dev` sends signed-in
	// readers to the server-rendered pages before Astro routes (src/integration.ts), as scripts/serve.ts does.
	if (context.isPrerendered) return next();
	const { request, url, locals, cookies } = context;
	const services = await getServices();
	locals.requestId = request.headers.get('x-request-id') ?? randomUUID();

	const now = new Date();
	locals.now = requestNow(request, services.env.TEST_CLOCK === 'header', now);
	const auth = await authenticate(services.db, request, cookies, now);
	locals.user = auth?.user ?? null;
	locals.session = auth ? { id: auth.session.id, kind: auth.session.kind } : null;

	if (auth?.via === 'cookie' && auth.session.expiresAt.getTime() - now.getTime() > SESSION_LIFETIME_MS - 60_000) {
		// The session's expiry just slid forward: move the cookie's with it.
		const token = cookies.get(SESSION_COOKIE)?.value;
		if (token) setSessionCookie(cookies, token, auth.session.expiresAt);
	}

	const violation = csrfViolation(request, url, [services.env.PUBLIC_ORIGIN]);
	if (violation) return withHeaders(errorResponse(403, 'csrf_refused', `Refused: ${violation}.`), locals.requestId);

	let limitHeaders: Record<string, string> = {};
	if (isLimited(url.pathname)) {
		const [limiter, key] = auth
			? [services.limits.general, `user:${auth.user.id}`]
			: [services.limits.anonymous, `ip:${clientAddress(context)}`];
		try {
			limitHeaders = await consumeOrThrow(limiter, key, 'requests');
		} catch (error) {
			if (error instanceof ApiError) return withHeaders(await refusal(request, url.pathname, error), locals.requestId);
			throw error;
		}
	}

	const response = await next();
	// A stricter limiter (sign-in) may already have answered with its own figures: keep those.
	for (const [name, value] of Object.entries(limitHeaders)) if (!response.headers.has(name)) response.headers.set(name, value);
	return withHeaders(response, locals.requestId);
});

/** A 429 in the protocol of the path: JSON-RPC on /mcp, RFC 6749 on OAuth endpoints, a sentence on the consent page, else the API's shape. */
async function refusal(request: Request, pathname: string, error: ApiError): Promise<Response> {
	const path = pathname
		.toLowerCase()
		.replace(/\/{2,}/g, '/')
		.replace(/\/+$/, '');
	if (path === '/mcp') return mcpRateLimitedResponse(request, (await getServices()).env.PUBLIC_ORIGIN, error.message, error.headers);
	if (/^\/oauth\/(token|revoke|register)$/.test(path)) return oauthRateLimitedResponse(error.message, { ...error.headers, ...OAUTH_CORS });
	if (path === '/oauth/authorize') {
		return new Response(error.message, { status: 429, headers: { 'content-type': 'text/plain; charset=utf-8', ...error.headers } });
	}
	return apiErrorResponse(error);
}

/** The database away (a restart, a network cut): 503 with Retry-After instead of a 500 (server/db/unavailable.ts). */
export const onRequest = defineMiddleware(async (context, next) => {
	try {
		if (context.isPrerendered) return next();
		if ((await getServices()).env.DB_STATEMENT_COUNTS !== 'true') return (await handleRequest(context, next)) as Response;
		const { result, statements } = await withStatementCount(async () => (await handleRequest(context, next)) as Response);
		// Diagnostics only: a response with immutable headers goes out without the count.
		try {
			result.headers.set('x-db-statements', String(statements));
		} catch {}
		return result;
	} catch (error) {
		if (!isDatabaseUnavailable(error)) throw error;
		console.error(`[db] unavailable: ${(error as Error).message}`);
		const response = wantsJson(context.url.pathname) ? databaseUnavailableResponse() : databaseUnavailablePage();
		return withHeaders(response, context.locals.requestId ?? randomUUID());
	}
});

function withHeaders(response: Response, requestId: string): Response {
	try {
		response.headers.set('x-request-id', requestId);
		for (const [name, value] of SECURITY_HEADERS) {
			if (!response.headers.has(name)) response.headers.set(name, value);
		}
		return response;
	} catch {
		// Immutable headers (e.g. a fetched response): copy once.
		const copy = new Response(response.body, response);
		copy.headers.set('x-request-id', requestId);
		return copy;
	}
}
