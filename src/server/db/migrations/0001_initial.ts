/**
 * Initial schema. Migrations are frozen snapshots: the allowed values are
 * written out here rather than imported from `schema.ts`, so a later change to
 * the app's constants cannot rewrite history.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('users')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('display_name', 'text', (c) => c.notNull())
		.addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
		.addColumn('role', 'text', (c) => c.notNull().defaultTo('student'))
		.addColumn('tier', 'text', (c) => c.notNull().defaultTo('free'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		// Named so the repository can recognise a duplicate email.
		.addUniqueConstraint('users_email_key', ['email'])
		.addCheckConstraint('users_role_check', sql`role in ('student', 'admin')`)
		.addCheckConstraint('users_tier_check', sql`tier in ('free', 'premium', 'pro', 'team')`)
		.execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('client_id', 'text')
		.addColumn('label', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('last_used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('sessions_kind_check', sql`kind in ('browser', 'api', 'oauth')`)
		.execute();
	await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
	// Lets a periodic purge of expired sessions avoid a full scan.
	await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();

	await db.schema
		.createTable('chapter_completions')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('chapter_id', 'text', (c) => c.notNull())
		.addColumn('completed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('chapter_completions_pkey', ['user_id', 'chapter_id'])
		.execute();

	await db.schema
		.createTable('quiz_attempts')
		.addColumn('id', 'integer', (c) => c.generatedAlwaysAsIdentity().primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('quiz_id', 'text', (c) => c.notNull())
		.addColumn('answers', 'jsonb', (c) => c.notNull())
		.addColumn('score', 'integer', (c) => c.notNull())
		.addColumn('total', 'integer', (c) => c.notNull())
		.addColumn('percent', 'integer', (c) => c.notNull())
		.addColumn('passed', 'boolean', (c) => c.notNull())
		.addColumn('local_date', 'date', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('quiz_attempts_user_quiz_created_idx')
		.on('quiz_attempts')
		.columns(['user_id', 'quiz_id', 'created_at'])
		.execute();

	await db.schema
		.createTable('activity_days')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('day', 'date', (c) => c.notNull())
		.addColumn('first_source', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('activity_days_pkey', ['user_id', 'day'])
		.addCheckConstraint('activity_days_first_source_check', sql`first_source in ('checkin', 'chapter', 'quiz')`)
		.execute();

	await db.schema
		.createTable('streak_freezes')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('day', 'date', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('streak_freezes_pkey', ['user_id', 'day'])
		.execute();

	await db.schema
		.createTable('tier_changes')
		.addColumn('id', 'integer', (c) => c.generatedAlwaysAsIdentity().primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('from_tier', 'text', (c) => c.notNull())
		.addColumn('to_tier', 'text', (c) => c.notNull())
		.addColumn('actor', 'text', (c) => c.notNull())
		.addColumn('reason', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('tier_changes_from_tier_check', sql`from_tier in ('free', 'premium', 'pro', 'team')`)
		.addCheckConstraint('tier_changes_to_tier_check', sql`to_tier in ('free', 'premium', 'pro', 'team')`)
		.execute();
	await db.schema.createIndex('tier_changes_user_id_idx').on('tier_changes').columns(['user_id', 'created_at']).execute();

	await db.schema
		.createTable('oauth_clients')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('secret_hash', 'text')
		.addColumn('redirect_uris', 'jsonb', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('oauth_codes')
		.addColumn('code_hash', 'text', (c) => c.primaryKey())
		// A code is only meaningful for a registered client: removing the client voids its codes.
		.addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('redirect_uri', 'text', (c) => c.notNull())
		.addColumn('scope', 'text', (c) => c.notNull())
		.addColumn('code_challenge', 'text')
		.addColumn('code_challenge_method', 'text')
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('oauth_codes_user_id_idx').on('oauth_codes').column('user_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
	for (const table of [
		'oauth_codes',
		'oauth_clients',
		'tier_changes',
		'streak_freezes',
		'activity_days',
		'quiz_attempts',
		'chapter_completions',
		'sessions',
		'users',
	]) {
		await db.schema.dropTable(table).ifExists().execute();
	}
}
