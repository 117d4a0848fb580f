/**
 * The guards every dynamic request passes, in one place: Astro's middleware (src/middleware.ts) and the
 * production server's API dispatcher (src/server/http/api-dispatch.ts) both call `admit`, so the two ways
 * in cannot drift. In order: the request's clock, the session (its cookie slid forward when its expiry
 * did), CSRF, the per-learner or per-address rate limit.
 */
import { ApiError } from '../api/errors.ts';
import { authenticate, type RequestAuth, setSessionCookie } from '../auth/request-auth.ts';
import { SESSION_COOKIE, SESSION_LIFETIME_MS } from '../auth/sessions.ts';
import { clientAddress } from '../client-address.ts';
import { requestNow } from '../clock.ts';
import { csrfViolation } from '../csrf.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import type { Services } from '../services.ts';
import type { CookieJar, HeaderReader } from './incoming.ts';

export interface Arrival {
	method: string;
	url: { pathname: string; origin: string };
	headers: HeaderReader;
	cookies: CookieJar;
	/** The socket's peer, as the adapter saw it (throws when it cannot tell). */
	readonly clientAddress: string;
}

export type Admission =
	| { admitted: true; now: Date; auth: RequestAuth | null; limitHeaders: Record<string, string> }
	/** `csrf`: answered in the API's shape everywhere; `limit`: in the protocol of the path (the middleware's `refusal`). */
	| { admitted: false; refusal: 'csrf' | 'limit'; error: ApiError };

/**
 * Every dynamic request counts against the per-learner (or per-address) limit, whatever its spelling
 * (`/mcp/`, `//api/v1/me`, `/Dashboard`): only the health probes are exempt. Prerendered files never get here.
 */
/** The health probes (normalised paths): no limit counts them, and they are not traffic to the idle collector either. */
export const HEALTH_PROBE_PATHS: ReadonlySet<string> = new Set(['/api/health', '/api/ready']);
export function normalPath(pathname: string): string {
	return (
		pathname
			.toLowerCase()
			.replace(/\/{2,}/g, '/')
			.replace(/\/+$/, '') || '/'
	);
}

export async function admit(services: Services, arrival: Arrival): Promise<Admission> {
	const real = new Date();
	const now = requestNow(arrival, services.env.TEST_CLOCK === 'header', real);
	// Sessions keep the real time (src/server/clock.ts).
	const auth = await authenticate(
		services.db,
		{ headers: arrival.headers, pathname: arrival.url.pathname },
		arrival.cookies,
		real,
		services.sessionCache,
	);
	if (auth?.via === 'cookie' && auth.session.expiresAt.getTime() - real.getTime() > SESSION_LIFETIME_MS - 60_000) {
		// The session's expiry just slid forward: move the cookie's with it.
		const token = arrival.cookies.get(SESSION_COOKIE)?.value;
		if (token) setSessionCookie(arrival.cookies, token, auth.session.expiresAt);
	}

	const violation = csrfViolation(arrival, arrival.url, [services.env.PUBLIC_ORIGIN]);
	if (violation) return { admitted: false, refusal: 'csrf', error: new ApiError(403, 'csrf_refused', `Refused: ${violation}.`) };

	let limitHeaders: Record<string, string> = {};
	if (!HEALTH_PROBE_PATHS.has(normalPath(arrival.url.pathname))) {
		const [limiter, key] = auth
			? [services.limits.general, `user:${auth.user.id}`]
			: [services.limits.anonymous, `ip:${clientAddress({ clientAddress: arrival.clientAddress, request: arrival })}`];
		try {
			limitHeaders = await consumeOrThrow(limiter, key, 'requests');
		} catch (error) {
			if (error instanceof ApiError) return { admitted: false, refusal: 'limit', error };
			throw error;
		}
	}
	return { admitted: true, now, auth, limitHeaders };
}
