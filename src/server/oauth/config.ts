/**
 * OAuth settings in one place. Lifetimes follow the session module: an access token is an API
 * session (30 days, sliding), and `expires_in` reports that session's remaining life.
 */
import { z } from 'astro/zod';
import { SESSION_LIFETIME_MS } from '../auth/sessions.ts';

/** Scopes and what each lets an app do, as the consent screen says it. */
export const SCOPES = {
	course: ['Read the course: chapters, quizzes and search', 'Record your progress: completed chapters, quiz attempts and streak check-ins'],
} as const;
export type Scope = keyof typeof SCOPES;
export const SUPPORTED_SCOPES = Object.keys(SCOPES) as Scope[];
/** Granted when the client asks for no scope (RFC 6749 §3.3 lets the server pick a default). */
export const DEFAULT_SCOPE: Scope = 'course';

/** RFC 6749 §4.1.2 advises at most 10 minutes. Tests shorten it with OAUTH_CODE_TTL_SECONDS. */
const DEFAULT_CODE_TTL_SECONDS = 600;

/** A refresh token must be used within the session lifetime: an app idle for 30 days is asked to reconnect. */
export const REFRESH_TOKEN_LIFETIME_MS = SESSION_LIFETIME_MS;

const ttlSchema = z.coerce.number().int().min(1).max(600).optional();

/** Authorization-code lifetime in seconds; OAUTH_CODE_TTL_SECONDS (1–600) overrides the 10-minute default. */
export function codeTtlSeconds(source: Record<string, string | undefined> = process.env): number {
	const parsed = ttlSchema.safeParse(source.OAUTH_CODE_TTL_SECONDS || undefined);
	return parsed.success && parsed.data !== undefined ? parsed.data : DEFAULT_CODE_TTL_SECONDS;
}

/** The issuer identifier (RFC 8414 §2): the public origin, no trailing slash. */
export function issuerOf(publicOrigin: string): string {
	return new URL(publicOrigin).origin;
}

/**
 * How long a just-rotated refresh token may be presented again and get the same new pair (RFC 9700
 * §4.14.2 allows it): clients that refresh twice at once stay connected; reuse after it revokes the grant.
 * OAUTH_REFRESH_GRACE_SECONDS (0–120; 0 turns it off) overrides the default.
 */
const DEFAULT_REFRESH_GRACE_SECONDS = 30;
const graceSchema = z.coerce.number().int().min(0).max(120).optional();

export function refreshGraceSeconds(source: Record<string, string | undefined> = process.env): number {
	const parsed = graceSchema.safeParse(source.OAUTH_REFRESH_GRACE_SECONDS || undefined);
	return parsed.success && parsed.data !== undefined ? parsed.data : DEFAULT_REFRESH_GRACE_SECONDS;
}
