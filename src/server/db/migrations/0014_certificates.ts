/**
 * Course certificates (decision 0024): issued once per learner and course when every quiz is passed, publicly
 * verifiable by an unguessable id. The course and the learner's name are snapshots: a later rename or a quiz
 * added to the course leaves what was certified as it was. Frozen snapshot: nothing is imported from schema.ts.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the current schema type
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
	await db.schema
		.createTable('certificates')
		// 128 random bits in base32 (26 characters): the public verification id.
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('course_id', 'text', (c) => c.notNull())
		.addColumn('course_title', 'text', (c) => c.notNull())
		.addColumn('learner_name', 'text', (c) => c.notNull())
		.addColumn('issued_at', 'timestamptz', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('certificates_user_course_key', ['user_id', 'course_id'])
		.execute();
}

export async function down(db: AnyDb): Promise<void> {
	await db.schema.dropTable('certificates').ifExists().execute();
}
