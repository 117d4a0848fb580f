/** User accounts: creation, lookup, profile, role and tier (with an audit trail). */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Role } from '../../domain/roles.ts';
import type { TimeZoneSetting } from '../../domain/time-zone-change.ts';
import type { Database, PublicUser, Tier, TierChange, User } from '../db/schema.ts';
import { accountCondition, type PageRequest, readPage, TOTAL_COLUMN } from './account-lists.ts';

/** The email is already registered (unique constraint `users_email_key`). */
export class EmailTakenError extends Error {
	readonly email: string;
	constructor(email: string) {
		super(`An account with the email ${email} already exists.`);
		this.name = 'EmailTakenError';
		this.email = email;
	}
}

export class UserNotFoundError extends Error {
	readonly userId: string;
	constructor(userId: string) {
		super(`No user with id ${userId}.`);
		this.name = 'UserNotFoundError';
		this.userId = userId;
	}
}

/** Emails are compared case-insensitively by storing them lowercased and trimmed. */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

/** 16 random bytes → 26 base32 characters: unguessable, URL- and log-safe. */
export function newUserId(): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(16)));
}

const PUBLIC_COLUMNS = [
	'id',
	'email',
	'display_name',
	'timezone',
	'timezone_previous',
	'timezone_switch_at',
	'role',
	'tier',
	'created_at',
	'updated_at',
] as const;

export interface CreateUserInput {
	email: string;
	passwordHash: string;
	displayName: string;
	timezone?: string;
	role?: Role;
	tier?: Tier;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const e = error as { code?: unknown; constraint?: unknown };
	return e.code === '23505' && (e.constraint === undefined || e.constraint === constraint);
}

/** Inserts a user; throws `EmailTakenError` when the (normalized) email exists. */
export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
	const email = normalizeEmail(input.email);
	try {
		return await db
			.insertInto('users')
			.values({
				id: newUserId(),
				email,
				password_hash: input.passwordHash,
				display_name: input.displayName,
				timezone: input.timezone,
				role: input.role,
				tier: input.tier,
			})
			.returningAll()
			.executeTakeFirstOrThrow();
	} catch (error) {
		if (isUniqueViolation(error, 'users_email_key')) throw new EmailTakenError(email);
		throw error;
	}
}

/** With the password hash: for sign-in. */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
	return db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
	return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Updates the given profile fields; undefined when the user does not exist. */
export async function updateProfile(
	db: Kysely<Database>,
	id: string,
	patch: { displayName?: string; timezone?: TimeZoneSetting },
): Promise<PublicUser | undefined> {
	const zone = patch.timezone;
	return db
		.updateTable('users')
		.set({
			...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
			...(zone ? { timezone: zone.timezone, timezone_previous: zone.previous, timezone_switch_at: zone.switchAt } : {}),
			updated_at: sql<Date>`now()`,
		})
		.where('id', '=', id)
		.returning(PUBLIC_COLUMNS)
		.executeTakeFirst();
}

/** Stores a new password hash; false when the user does not exist. */
export async function setPassword(db: Kysely<Database>, id: string, passwordHash: string): Promise<boolean> {
	const result = await db
		.updateTable('users')
		.set({ password_hash: passwordHash, updated_at: sql<Date>`now()` })
		.where('id', '=', id)
		.executeTakeFirst();
	return result.numUpdatedRows > 0n;
}

/** Records when the learner proved they read their email (the first time only). */
export async function markEmailVerified(db: Kysely<Database>, id: string, now: Date): Promise<void> {
	await db.updateTable('users').set({ email_verified_at: now }).where('id', '=', id).where('email_verified_at', 'is', null).execute();
}

/** Sets the role; false when the user does not exist. */
export async function setRole(db: Kysely<Database>, id: string, role: Role): Promise<boolean> {
	const result = await db.updateTable('users').set({ role, updated_at: sql<Date>`now()` }).where('id', '=', id).executeTakeFirst();
	return result.numUpdatedRows > 0n;
}

/**
 * Changes a user's tier and records who did it, atomically. An unchanged tier
 * writes nothing. Throws `UserNotFoundError` for an unknown user.
 */
export async function setTier(
	db: Kysely<Database>,
	userId: string,
	toTier: Tier,
	actor: string,
	reason: string | null = null,
): Promise<{ from: Tier; to: Tier }> {
	return db.transaction().execute((trx) => setTierIn(trx, userId, toTier, actor, reason));
}

/** setTier inside a caller's transaction (the billing webhook records its event in the same one). */
export async function setTierIn(
	trx: Transaction<Database>,
	userId: string,
	toTier: Tier,
	actor: string,
	reason: string | null,
): Promise<{ from: Tier; to: Tier }> {
	// Row lock: two concurrent changes must each see the other's result as their "from".
	const current = await trx.selectFrom('users').select('tier').where('id', '=', userId).forUpdate().executeTakeFirst();
	if (!current) throw new UserNotFoundError(userId);
	const from = current.tier;
	if (from === toTier) return { from, to: toTier };
	await trx.updateTable('users').set({ tier: toTier, updated_at: sql<Date>`now()` }).where('id', '=', userId).execute();
	await trx.insertInto('tier_changes').values({ user_id: userId, from_tier: from, to_tier: toTier, actor, reason }).execute();
	return { from, to: toTier };
}

/**
 * A user's tier changes, oldest first. Ordered by id, not created_at: `now()`
 * is the transaction's start, while ids follow the row lock's order.
 */
export async function tierHistory(db: Kysely<Database>, userId: string): Promise<TierChange[]> {
	return db.selectFrom('tier_changes').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

/** One page of accounts, by email; `query` matches email or display name (case-insensitive substring), absent lists everyone. */
export async function listUsers(
	db: Kysely<Database>,
	input: { query?: string } & PageRequest,
): Promise<{ users: PublicUser[]; total: number }> {
	const { rows, total } = await readPage(
		(page) =>
			db
				.selectFrom('users')
				.select(PUBLIC_COLUMNS)
				.select(TOTAL_COLUMN.as('total'))
				.where(accountCondition({ query: input.query }, 'users'))
				.orderBy('email')
				.limit(page.limit)
				.offset(page.offset)
				.execute(),
		input,
	);
	return { users: rows, total };
}

/** Admin search by email or display name (case-insensitive substring), ordered by email: the first page of listUsers. */
export async function searchUsers(db: Kysely<Database>, query: string, limit = 20): Promise<PublicUser[]> {
	const capped = Math.max(1, Math.min(100, Math.floor(limit) || 1));
	return (await listUsers(db, { query, limit: capped, offset: 0 })).users;
}
