/** Daily attempt limits count a learner's attempts at one quiz on one local day: index exactly that. */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createIndex('quiz_attempts_user_quiz_day_idx')
		.on('quiz_attempts')
		.columns(['user_id', 'quiz_id', 'local_date'])
		.execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropIndex('quiz_attempts_user_quiz_day_idx').execute();
}
