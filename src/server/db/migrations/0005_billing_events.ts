/**
 * Billing webhook events, kept by the provider's event id: a replayed event is recognised and not applied
 * twice, and an event older than the last one applied for its learner is recorded but not applied.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('billing_events')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('type', 'text', (c) => c.notNull())
		.addColumn('tier', 'text', (c) => c.notNull())
		.addColumn('event_at', 'timestamptz', (c) => c.notNull())
		.addColumn('applied', 'boolean', (c) => c.notNull())
		.addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('billing_events_user_time_idx').on('billing_events').columns(['user_id', 'event_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('billing_events').execute();
}
