/** Finds the session behind a request: a bearer token (API clients, ChatGPT) or the session cookie. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { serverEnv } from '../env.ts';
import type { CookieJar, HeaderReader } from '../http/incoming.ts';
import { audienceAllows } from '../oauth/resource.ts';
import { type CurrentUser, currentUserFrom } from './current-user.ts';
import type { SessionCache } from './session-cache.ts';
import { SESSION_COOKIE, type SessionLookupRow, sessionCookieAttributes, validateSessionToken } from './sessions.ts';

export interface RequestAuth {
	user: CurrentUser;
	session: { id: string; kind: string; expiresAt: Date };
	/** How the request proved its identity: a cookie needs CSRF protection, a bearer token does not. */
	via: 'cookie' | 'bearer';
}

/**
 * The RFC 6750 §3 challenge for a 401 outside /mcp: `error="invalid_token"` when a bearer token was sent
 * but is invalid, expired, revoked or bound to another resource; none when no credentials came.
 */
export function apiBearerChallenge(request: { headers: HeaderReader }): string {
	return bearerToken(request) === null
		? 'Bearer realm="course-companion"'
		: 'Bearer realm="course-companion", error="invalid_token", error_description="The access token is invalid, expired, revoked or for another resource"';
}

export function bearerToken(request: { headers: HeaderReader }): string | null {
	const header = request.headers.get('authorization');
	const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
	return match?.[1] ?? null;
}

/** `pathname`: where the request goes, for the audience an OAuth token is bound to. */
export async function authenticate(
	db: Kysely<Database>,
	request: { headers: HeaderReader; pathname: string },
	cookies: CookieJar,
	now: Date,
	cache?: SessionCache<SessionLookupRow>,
): Promise<RequestAuth | null> {
	const bearer = bearerToken(request);
	const token = bearer ?? cookies.get(SESSION_COOKIE)?.value ?? null;
	if (!token) return null;
	const found = await validateSessionToken(db, token, now, cache);
	if (!found) return null;
	const { session, user, audience } = found;
	// RFC 8707: an OAuth access token bound to one resource (e.g. /mcp) is no token at all elsewhere.
	if (bearer && session.kind === 'oauth' && !audienceAllows(audience, request.pathname, configuredOrigin())) return null;
	return {
		user: currentUserFrom(user, now),
		session: { id: session.id, kind: session.kind, expiresAt: session.expires_at },
		via: bearer ? 'bearer' : 'cookie',
	};
}

let secure: boolean | undefined;
let origin: string | undefined;

/** PUBLIC_ORIGIN, read once. */
function configuredOrigin(): string {
	origin ??= serverEnv().PUBLIC_ORIGIN;
	return origin;
}

/**
 * Secure cookies unless the configured public origin is plain-http loopback (local development). Decided by
 * PUBLIC_ORIGIN, never by the request: a Host header is whatever the client sends.
 */
export function cookieIsSecure(): boolean {
	if (secure === undefined) {
		const origin = new URL(serverEnv().PUBLIC_ORIGIN);
		secure = origin.protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(origin.hostname);
	}
	return secure;
}

export function setSessionCookie(cookies: CookieJar, token: string, expires: Date): void {
	const attrs = sessionCookieAttributes({ secure: cookieIsSecure(), expires });
	cookies.set(SESSION_COOKIE, token, {
		httpOnly: attrs.httpOnly,
		sameSite: 'lax',
		path: '/',
		secure: attrs.secure,
		expires,
	});
}

/** Readable by the static pages' script to show who is signed in; holds the display name only, never a secret. */
export const USER_HINT_COOKIE = 'cc_user';

export function setUserHintCookie(cookies: CookieJar, displayName: string, expires: Date): void {
	cookies.set(USER_HINT_COOKIE, displayName.slice(0, 80), {
		httpOnly: false,
		sameSite: 'lax',
		path: '/',
		secure: cookieIsSecure(),
		expires,
	});
}

export function clearSessionCookie(cookies: CookieJar): void {
	cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', secure: cookieIsSecure(), maxAge: 0 });
	cookies.set(USER_HINT_COOKIE, '', { httpOnly: false, sameSite: 'lax', path: '/', secure: cookieIsSecure(), maxAge: 0 });
}
