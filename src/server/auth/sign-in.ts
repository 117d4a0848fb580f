/**
 * Email-and-password sign-in: the one definition, used by POST /api/v1/auth/login (and the /login page
 * through it) and by the OAuth consent page. Same limits, same timing for unknown emails, same answer.
 */
import type { Kysely } from 'kysely';
import { ApiError } from '../api/errors.ts';
import type { Database } from '../db/schema.ts';
import { assertNotExhausted, type RateLimits, recordFailure } from '../rate-limit.ts';
import { findUserByEmail, normalizeEmail } from '../repositories/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';

/** The answer to every failed sign-in, whether the email exists or not. */
export const INVALID_CREDENTIALS = 'Email or password is incorrect.';

/**
 * Failed attempts only are counted, so a classroom signing in from one address never meets a limit:
 * per account and address (the guesser's own budget; the owner elsewhere is not locked out), per account
 * from anywhere (at ACCOUNT_FACTOR times that), and per address (a sprayer trying many accounts).
 */
type SignInLimits = Pick<RateLimits, 'signInFailures' | 'accountFailures' | 'addressFailures'>;

function signInKeys(address: string, email: string) {
	const account = normalizeEmail(email);
	return { pair: `${account}|${address}`, account, address };
}

/** Refuses (429) when this account, from this address or from anywhere, or this address, has failed too often. */
export async function assertSignInAllowed(limits: SignInLimits, address: string, email: string): Promise<void> {
	const keys = signInKeys(address, email);
	await assertNotExhausted(limits.signInFailures, keys.pair, 'failed sign-ins for this account from this address');
	await assertNotExhausted(limits.accountFailures, keys.account, 'failed sign-ins for this account');
	await assertNotExhausted(limits.addressFailures, keys.address, 'failed sign-ins from this address');
}

export async function recordFailedSignIn(limits: SignInLimits, address: string, email: string): Promise<void> {
	const keys = signInKeys(address, email);
	await Promise.all([
		recordFailure(limits.signInFailures, keys.pair),
		recordFailure(limits.accountFailures, keys.account),
		recordFailure(limits.addressFailures, keys.address),
	]);
}

/**
 * The whole check: refuses an exhausted caller before any password work, verifies, counts a failure.
 * Returns the account on success (its own failures from this address are forgiven).
 */
export async function signInChecked(db: Kysely<Database>, limits: SignInLimits, address: string, email: string, password: string) {
	await assertSignInAllowed(limits, address, email);
	const user = await verifyCredentials(db, email, password);
	if (!user) {
		await recordFailedSignIn(limits, address, email);
		return null;
	}
	await limits.signInFailures.delete(signInKeys(address, email).pair);
	return user;
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
	limits: SignInLimits,
	input: { email: string; password: string; address: string; userAgent: string | null; now: Date },
): Promise<SignInResult> {
	const email = input.email.trim();
	if (!email || !input.password) return { ok: false, status: 400, message: 'Enter your email and password.' };
	if (email.length > 254 || input.password.length > 256) return { ok: false, status: 400, message: 'Email or password is too long.' };
	let user: Awaited<ReturnType<typeof signInChecked>>;
	try {
		user = await signInChecked(db, limits, input.address, email, input.password);
	} catch (error) {
		if (error instanceof ApiError) return { ok: false, status: 429, message: error.message };
		throw error;
	}
	if (!user) return { ok: false, status: 401, message: INVALID_CREDENTIALS };
	const label = input.userAgent?.slice(0, 200) ?? null;
	const { token, session } = await createSession(db, { userId: user.id, kind: 'browser', label, now: input.now });
	return { ok: true, userId: user.id, token, expiresAt: session.expires_at };
}
