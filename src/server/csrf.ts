/**
 * CSRF protection for browser requests (the Lucia pattern): a state-changing request must come
 * from our own origin. Bearer-token requests and client-authenticated endpoints (OAuth token,
 * billing webhook, MCP) carry no cookies, so they are exempt.
 */
import type { HeaderReader } from './http/incoming.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const EXEMPT = [/^\/oauth\/(token|revoke|register)$/, /^\/api\/v1\/billing\/webhook$/, /^\/mcp$/];

export function csrfViolation(
	request: { method: string; headers: HeaderReader },
	url: { pathname: string; origin: string },
	allowedOrigins: readonly string[],
): string | null {
	if (SAFE_METHODS.has(request.method)) return null;
	if (EXEMPT.some((pattern) => pattern.test(url.pathname))) return null;
	if (request.headers.get('authorization') !== null) return null;
	const fetchSite = request.headers.get('sec-fetch-site');
	if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
		return `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
	}
	const origin = request.headers.get('origin');
	if (origin && origin !== url.origin && !allowedOrigins.includes(origin)) {
		return `cross-origin request refused (Origin: ${origin})`;
	}
	return null;
}
