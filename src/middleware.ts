/**
 * Every on-demand request: request id, the guards of src/server/http/admission.ts (session → locals, CSRF, rate limit), security headers.
 * Prerendered pages skip all of it at build time.
 */
import { randomUUID } from 'node:crypto';
import { defineMiddleware } from 'astro:middleware';
import { type ApiError, apiErrorResponse } from './server/api/errors.ts';
import { withStatementCount } from './server/db/statement-count.ts';
import { databaseUnavailablePage, databaseUnavailableResponse, isDatabaseUnavailable, wantsJson } from './server/db/unavailable.ts';
import { admit, normalPath } from './server/http/admission.ts';
import { mcpRateLimitedResponse } from './server/mcp/http.ts';
import { OAUTH_CORS } from './server/oauth/endpoints.ts';
import { oauthRateLimitedResponse } from './server/oauth/errors.ts';
import { securityHeaders } from './server/security-headers.ts';
import { getServices } from './server/services.ts';

/** Built once, not per response. */
const SECURITY_HEADERS = Object.entries(securityHeaders({ development: import.meta.env.DEV }));

const handleRequest = defineMiddleware(async (context, next) => {
	// Static pages need nothing from here (and get no request headers in dev); `npm run dev` sends signed-in
	// readers to the server-rendered pages before Astro routes (src/integration.ts), as scripts/serve.ts does.
	if (context.isPrerendered) return next();
	const { request, url, locals, cookies } = context;
	const services = await getServices();
	locals.requestId = request.headers.get('x-request-id') ?? randomUUID();

	const admission = await admit(services, {
		method: request.method,
		url,
		headers: request.headers,
		cookies,
		get clientAddress() {
			return context.clientAddress;
		},
	});
	if (!admission.admitted) {
		const response =
			admission.refusal === 'csrf' ? apiErrorResponse(admission.error) : await refusal(request, url.pathname, admission.error);
		return withHeaders(response, locals.requestId);
	}
	const { auth, limitHeaders } = admission;
	locals.now = admission.now;
	locals.user = auth?.user ?? null;
	locals.session = auth ? { id: auth.session.id, kind: auth.session.kind } : null;

	const response = await next();
	// A stricter limiter (sign-in) may already have answered with its own figures: keep those.
	for (const [name, value] of Object.entries(limitHeaders)) if (!response.headers.has(name)) response.headers.set(name, value);
	return withHeaders(response, locals.requestId);
});

/** A 429 in the protocol of the path: JSON-RPC on /mcp, RFC 6749 on OAuth endpoints, a sentence on the consent page, else the API's shape. */
async function refusal(request: Request, pathname: string, error: ApiError): Promise<Response> {
	const path = normalPath(pathname);
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
