/**
 * OAuth settings in one place. Lifetimes follow the session module: an access token is an API
 * session (30 days, sliding), and `expires_in` reports that session's remaining life.
 */
import { SESSION_LIFETIME_MS } from '../auth/sessions.ts';

/** Scopes and what each lets an app do, as the consent screen says it. */
export const SCOPES = {
	course: ['Read the course: chapters, quizzes and search', 'Record your progress: completed chapters, quiz attempts and streak check-ins'],
} as const;
export type Scope = keyof typeof SCOPES;
export const SUPPORTED_SCOPES = Object.keys(SCOPES) as Scope[];
/** Granted when the client asks for no scope (RFC 6749 §3.3 lets the server pick a default). */
export const DEFAULT_SCOPE: Scope = 'course';

/** A refresh token must be used within the session lifetime: an app idle for 30 days is asked to reconnect. */
export const REFRESH_TOKEN_LIFETIME_MS = SESSION_LIFETIME_MS;

/** The issuer identifier (RFC 8414 §2): the public origin, no trailing slash. */
export function issuerOf(publicOrigin: string): string {
	return new URL(publicOrigin).origin;
}
