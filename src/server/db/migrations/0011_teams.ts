/**
 * Teams (decision 0021): a team has one owner and holds up to the course's `seats` accounts, the owner's
 * included (the owner has a member row too, so a seat count is one count). An account is in at most one
 * team. Invitations are single-use links: only SHA-256 of the token is stored, they expire, and `email`
 * says whom an emailed one went to. Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('teams')
		.addColumn('id', 'text', (c) => c.primaryKey())
		// One team per owner; the team goes with the owner's account.
		.addColumn('owner_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createTable('team_members')
		// The primary key on user_id alone: one team per account.
		.addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
		.addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
		.addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('team_members_team_id_idx').on('team_members').column('team_id').execute();
	await db.schema
		.createTable('team_invites')
		.addColumn('token_hash', 'text', (c) => c.primaryKey())
		.addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
		.addColumn('email', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.addColumn('used_by', 'text', (c) => c.references('users.id').onDelete('set null'))
		.execute();
	await db.schema.createIndex('team_invites_team_id_idx').on('team_invites').column('team_id').execute();
	await db.schema.createIndex('team_invites_expires_at_idx').on('team_invites').column('expires_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('team_invites').ifExists().execute();
	await db.schema.dropTable('team_members').ifExists().execute();
	await db.schema.dropTable('teams').ifExists().execute();
}
