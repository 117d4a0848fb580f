/**
 * Email-and-password sign-in for the authorization page: the same checks, limits and session as
 * POST /api/v1/auth/login (same rate-limit keys, so the two share one budget).
 */
import type { Kysely } from 'kysely';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../api/errors.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { createSession } from '../auth/sessions.ts';
import type { Database } from '../db/schema.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import { findUserByEmail, normalizeEmail } from '../repositories/users.ts';

export type SignInResult =
	| { ok: true; userId: string; token: string; expiresAt: Date }
	| { ok: false; status: 400 | 401 | 429; message: string };

/** Verified against when the email is unknown, so a miss takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

export async function signInWithPassword(
	db: Kysely<Database>,
	authLimiter: RateLimiterAbstract,
	input: { email: string; password: string; ip: string; userAgent: string | null; now: Date },
): Promise<SignInResult> {
	const email = input.email.trim();
	if (!email || !input.password) return { ok: false, status: 400, message: 'Enter your email and password.' };
	if (email.length > 254 || input.password.length > 256) return { ok: false, status: 400, message: 'Email or password is too long.' };
	try {
		await consumeOrThrow(authLimiter, `ip:${input.ip}`, 'sign-in attempts from this address');
		await consumeOrThrow(authLimiter, `email:${normalizeEmail(email)}`, 'sign-in attempts for this account');
	} catch (error) {
		if (error instanceof ApiError) return { ok: false, status: 429, message: error.message };
		throw error;
	}
	const user = await findUserByEmail(db, email);
	dummyHash ??= hashPassword('not-a-real-password-0');
	const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), input.password);
	if (!user || !ok) return { ok: false, status: 401, message: 'Email or password is incorrect.' };
	const label = input.userAgent?.slice(0, 200) ?? null;
	const { token, session } = await createSession(db, { userId: user.id, kind: 'browser', label, now: input.now });
	return { ok: true, userId: user.id, token, expiresAt: session.expires_at };
}

/** The caller's address for rate limits; `clientAddress` throws when the adapter cannot tell. */
export function clientAddressOf(context: { clientAddress: string }): string {
	try {
		return context.clientAddress;
	} catch {
		return 'unknown';
	}
}
