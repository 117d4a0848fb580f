/**
 * The review queue (domain/review-queue.ts): one card per learner and missed question, its Leitner box and
 * the learner's calendar day it is due on; `retired_on` once it left the top box answered right. A review is
 * study for the streak, so activity_days accepts 'review' as the day's first source. Frozen snapshot:
 * nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('review_cards')
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('quiz_id', 'text', (c) => c.notNull())
		.addColumn('question_id', 'text', (c) => c.notNull())
		.addColumn('box', 'smallint', (c) => c.notNull())
		.addColumn('due_day', 'date', (c) => c.notNull())
		.addColumn('retired_on', 'date')
		.addColumn('reviews', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('lapses', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('review_cards_pkey', ['user_id', 'quiz_id', 'question_id'])
		.addCheckConstraint('review_cards_box_check', sql`box between 1 and 5`)
		.execute();
	await db.schema.alterTable('activity_days').dropConstraint('activity_days_first_source_check').execute();
	await db.schema
		.alterTable('activity_days')
		.addCheckConstraint('activity_days_first_source_check', sql`first_source in ('checkin', 'chapter', 'quiz', 'review')`)
		.execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.deleteFrom('activity_days').where('first_source', '=', 'review').execute();
	await db.schema.alterTable('activity_days').dropConstraint('activity_days_first_source_check').execute();
	await db.schema
		.alterTable('activity_days')
		.addCheckConstraint('activity_days_first_source_check', sql`first_source in ('checkin', 'chapter', 'quiz')`)
		.execute();
	await db.schema.dropTable('review_cards').ifExists().execute();
}
