/**
 * What administrators did to an account besides tier changes (those stay in tier_changes): an account
 * created, a reset link sent. Together with tier_changes it is the admin page's audit log. Frozen
 * snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('admin_actions')
		.addColumn('id', 'integer', (c) => c.generatedAlwaysAsIdentity().primaryKey())
		// Kept when the administrator's account goes: the log must outlive who wrote it.
		.addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('admin_actions_action_check', sql`action in ('learner_created', 'reset_link_sent')`)
		.execute();
	await db.schema.createIndex('admin_actions_created_at_idx').on('admin_actions').column('created_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('admin_actions').ifExists().execute();
}
