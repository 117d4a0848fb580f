/**
 * Which learner a billing provider's customer is (a Stripe `cus_…` id), learned from a completed checkout
 * that named the learner: later subscription events name only the customer.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('billing_customers')
		.addColumn('provider', 'text', (c) => c.notNull())
		.addColumn('customer_id', 'text', (c) => c.notNull())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('billing_customers_pkey', ['provider', 'customer_id'])
		.execute();
	await db.schema.createIndex('billing_customers_user_idx').on('billing_customers').column('user_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('billing_customers').execute();
}
