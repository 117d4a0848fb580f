/**
 * Links sent by email: password reset and email verification. Only SHA-256 of a token is stored, each
 * is used once (used_at) and expires; the address it was sent to is kept so a link mailed to an old
 * address does nothing. users.email_verified_at is set by a verification link (or a password reset,
 * which proves the same thing); sign-in never depends on it. Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema.alterTable('users').addColumn('email_verified_at', 'timestamptz').execute();
	await db.schema
		.createTable('email_tokens')
		// SHA-256 (hex) of the token; the token itself is only in the email.
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('purpose', 'text', (c) => c.notNull())
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.addCheckConstraint('email_tokens_purpose_check', sql`purpose in ('password_reset', 'verify_email')`)
		.execute();
	await db.schema.createIndex('email_tokens_user_id_idx').on('email_tokens').columns(['user_id', 'purpose']).execute();
	await db.schema.createIndex('email_tokens_expires_at_idx').on('email_tokens').column('expires_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('email_tokens').ifExists().execute();
	await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
