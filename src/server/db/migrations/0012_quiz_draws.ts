/**
 * Question pools, shuffled options and partial credit (docs/decisions/0022): the seed an attempt was drawn
 * with, the open draw of a learner who has started a quiz and not yet submitted it, and fractional scores.
 * Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	// null: the quiz neither draws nor shuffles (or the attempt predates draws): it asked every question in order.
	await db.schema.alterTable('quiz_attempts').addColumn('seed', 'integer').execute();
	// Partial credit makes a score such as 2.67 of 4; double precision comes back as a JS number from pg and PGlite.
	await db.schema
		.alterTable('quiz_attempts')
		.alterColumn('score', (c) => c.setDataType('double precision'))
		.execute();
	await db.schema
		.createTable('quiz_draws')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('quiz_id', 'text', (c) => c.notNull())
		.addColumn('seed', 'integer', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('quiz_draws_pkey', ['user_id', 'quiz_id'])
		.addCheckConstraint('quiz_draws_seed_check', sql`seed >= 0`)
		.execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('quiz_draws').ifExists().execute();
	await sql`UPDATE quiz_attempts SET score = round(score)`.execute(db);
	await db.schema
		.alterTable('quiz_attempts')
		.alterColumn('score', (c) => c.setDataType('integer'))
		.execute();
	await db.schema.alterTable('quiz_attempts').dropColumn('seed').execute();
}
