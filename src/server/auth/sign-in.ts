/**
 * Email-and-password sign-in: the one definition, used by POST /api/v1/auth/login (and the /login page
 * through it) and by the OAuth consent page. Same limits, same timing for unknown emails, same answer.
 */
import type { Kysely } from 'kysely';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../api/errors.ts';
import type { Database } from '../db/schema.ts';
import { consumeOrThrow } from '../rate-limit.ts';
import { findUserByEmail, normalizeEmail } from '../repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';

/** The answer to every failed sign-in, whether the email exists or not. */
export const INVALID_CREDENTIALS = 'Email or password is incorrect.';

/** Spends one attempt from the caller's address and one for the account; throws ApiError 429 when either is used up. */
export async function throttleSignIn(limiter: RateLimiterAbstract, address: string, email: string): Promise<void> {
	await consumeOrThrow(limiter, `ip:${address}`, 'sign-in attempts from this address');
	await consumeOrThrow(limiter, `email:${normalizeEmail(email)}`, 'sign-in attempts for this account');
}

/** Verified against when the email is unknown, so a miss takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** The account when the password is right; null otherwise (after the same work either way). */
export async function verifyCredentials(db: Kysely<Database>, email: string, password: string) {
	const user = await findUserByEmail(db, email);
	dummyHash ??= hashPassword('not-a-real-password-0');
	const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
	return user && ok ? user : null;
}

export type SignInResult =
	| { ok: true; userId: string; token: string; expiresAt: Date }
	| { ok: false; status: 400 | 401 | 429; message: string };

/** A form sign-in that starts a browser session (the OAuth consent page): plain sentences, no exceptions. */
export async function signInWithPassword(
	db: Kysely<Database>,
	limiter: RateLimiterAbstract,
	input: { email: string; password: string; address: string; userAgent: string | null; now: Date },
): Promise<SignInResult> {
	const email = input.email.trim();
	if (!email || !input.password) return { ok: false, status: 400, message: 'Enter your email and password.' };
	if (email.length > 254 || input.password.length > 256) return { ok: false, status: 400, message: 'Email or password is too long.' };
	try {
		await throttleSignIn(limiter, input.address, email);
	} catch (error) {
		if (error instanceof ApiError) return { ok: false, status: 429, message: error.message };
		throw error;
	}
	const user = await verifyCredentials(db, email, input.password);
	if (!user) return { ok: false, status: 401, message: INVALID_CREDENTIALS };
	const label = input.userAgent?.slice(0, 200) ?? null;
	const { token, session } = await createSession(db, { userId: user.id, kind: 'browser', label, now: input.now });
	return { ok: true, userId: user.id, token, expiresAt: session.expires_at };
}
