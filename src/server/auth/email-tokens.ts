/**
 * Tokens for links sent by email (password reset, email verification), in the pattern of the sessions:
 * 160 random bits, only SHA-256 stored, used once, expiring. A token is bound to the address it was
 * mailed to, so a link sent before the account's email changed does nothing.
 */
import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import type { Database, EmailTokenPurpose } from '../db/schema.ts';

const HOUR_MS = 60 * 60 * 1000;
/** How long a link works after it was sent. */
export const EMAIL_TOKEN_LIFETIME_MS: Record<EmailTokenPurpose, number> = {
	password_reset: HOUR_MS,
	verify_email: 7 * 24 * HOUR_MS,
};
/** An invitation is a reset link for an account with no password yet; the invitee may not read mail within the hour. */
export const INVITE_LIFETIME_MS = 7 * 24 * HOUR_MS;

/** 20 bytes → 32 base32 characters: URL-safe, survives line-wrapping mail clients. */
export const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

/** SHA-256 hex; enough for 160 random bits, which leave nothing to brute-force. */
export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new link token (160 random bits); store only `hashToken` of it. Team invitations use the same shape. */
export function newLinkToken(): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
}

/** Stores a new token for the user's current address and returns it: the email carries the only copy. */
export async function issueEmailToken(
	db: Kysely<Database>,
	input: { userId: string; email: string; purpose: EmailTokenPurpose; now: Date; lifetimeMs?: number },
): Promise<{ token: string; expiresAt: Date }> {
	const token = newLinkToken();
	const expiresAt = new Date(input.now.getTime() + (input.lifetimeMs ?? EMAIL_TOKEN_LIFETIME_MS[input.purpose]));
	await db
		.insertInto('email_tokens')
		.values({
			token_hash: hashToken(token),
			user_id: input.userId,
			purpose: input.purpose,
			email: input.email,
			created_at: input.now,
			expires_at: expiresAt,
		})
		.execute();
	return { token, expiresAt };
}

/** Why a link does not work; each is said to the learner in a sentence of its own. */
export type EmailTokenProblem = 'invalid' | 'expired' | 'used';
export type EmailTokenCheck = { ok: true; userId: string; email: string } | { ok: false; problem: EmailTokenProblem };

/** Would the token work now? Reads only: the reset page's GET shows its form or a sentence. */
export async function checkEmailToken(
	db: Kysely<Database>,
	token: string,
	purpose: EmailTokenPurpose,
	now: Date,
): Promise<EmailTokenCheck> {
	if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, problem: 'invalid' };
	const row = await db
		.selectFrom('email_tokens')
		.innerJoin('users', 'users.id', 'email_tokens.user_id')
		.select(['email_tokens.user_id', 'email_tokens.email', 'email_tokens.expires_at', 'email_tokens.used_at', 'users.email as current'])
		.where('email_tokens.token_hash', '=', hashToken(token))
		.where('email_tokens.purpose', '=', purpose)
		.executeTakeFirst();
	if (!row || row.email !== row.current) return { ok: false, problem: 'invalid' };
	if (row.used_at !== null) return { ok: false, problem: 'used' };
	if (row.expires_at.getTime() <= now.getTime()) return { ok: false, problem: 'expired' };
	return { ok: true, userId: row.user_id, email: row.email };
}

/**
 * Uses the token up, atomically: of two requests with the same link, one wins. Run it in the
 * transaction that does what the link is for, so a failure there leaves the link usable.
 */
export async function consumeEmailToken(
	db: Kysely<Database>,
	token: string,
	purpose: EmailTokenPurpose,
	now: Date,
): Promise<EmailTokenCheck> {
	if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, problem: 'invalid' };
	const consumed = await db
		.updateTable('email_tokens')
		.set({ used_at: now })
		.where('token_hash', '=', hashToken(token))
		.where('purpose', '=', purpose)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.where('email', '=', (eb) => eb.selectFrom('users').select('users.email').whereRef('users.id', '=', 'email_tokens.user_id'))
		.returning(['user_id', 'email'])
		.executeTakeFirst();
	if (consumed) return { ok: true, userId: consumed.user_id, email: consumed.email };
	const check = await checkEmailToken(db, token, purpose, now);
	// Consumed by a parallel request between the two statements.
	return check.ok ? { ok: false, problem: 'used' } : check;
}

/** Ends every unused link of a purpose for the user (a reset ends the other reset links). */
export async function expireEmailTokens(db: Kysely<Database>, userId: string, purpose: EmailTokenPurpose, now: Date): Promise<void> {
	await db
		.updateTable('email_tokens')
		.set({ used_at: now })
		.where('user_id', '=', userId)
		.where('purpose', '=', purpose)
		.where('used_at', 'is', null)
		.execute();
}

/** Removes links that expired a day ago or more (db/cleanup.ts); the day keeps "already used" answerable a while. */
export async function deleteExpiredEmailTokens(db: Kysely<Database>, now: Date): Promise<number> {
	const result = await db
		.deleteFrom('email_tokens')
		.where('expires_at', '<', new Date(now.getTime() - 24 * HOUR_MS))
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}
