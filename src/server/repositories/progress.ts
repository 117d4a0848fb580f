/**
 * Learning progress: completed chapters, days with activity (for streaks) and
 * streak freezes. Every write is idempotent (INSERT ... ON CONFLICT DO
 * NOTHING), so a retried or doubled request counts once.
 */
import type { Kysely } from 'kysely';
import type { ActivitySource, Database, DayString } from '../db/schema.ts';

/** Marks a chapter complete; `created` is false when it already was (the first completion time is kept). */
export async function markChapterComplete(
	db: Kysely<Database>,
	userId: string,
	chapterId: string,
	now: Date,
): Promise<{ created: boolean }> {
	const rows = await db
		.insertInto('chapter_completions')
		.values({ user_id: userId, chapter_id: chapterId, completed_at: now })
		.onConflict((oc) => oc.columns(['user_id', 'chapter_id']).doNothing())
		.returning('chapter_id')
		.execute();
	return { created: rows.length > 0 };
}

/** A user's completed chapters, in the order they were completed. */
export async function listCompletions(db: Kysely<Database>, userId: string): Promise<{ chapter_id: string; completed_at: Date }[]> {
	return db
		.selectFrom('chapter_completions')
		.select(['chapter_id', 'completed_at'])
		.where('user_id', '=', userId)
		.orderBy('completed_at')
		.orderBy('chapter_id')
		.execute();
}

/** Records that the user was active on `day` (their local calendar day); the first source of the day is kept. */
export async function recordActivity(
	db: Kysely<Database>,
	userId: string,
	day: DayString,
	source: ActivitySource,
): Promise<{ created: boolean }> {
	const rows = await db
		.insertInto('activity_days')
		.values({ user_id: userId, day, first_source: source })
		.onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
		.returning('day')
		.execute();
	return { created: rows.length > 0 };
}

/** Days with activity ('YYYY-MM-DD', ascending), optionally from `sinceDay` on (inclusive). */
export async function listActivityDays(db: Kysely<Database>, userId: string, sinceDay?: DayString): Promise<DayString[]> {
	let query = db.selectFrom('activity_days').select('day').where('user_id', '=', userId);
	if (sinceDay !== undefined) query = query.where('day', '>=', sinceDay);
	const rows = await query.orderBy('day').execute();
	return rows.map((r) => r.day);
}

/** Whether the learner has any activity day at all (a time zone change waits only for those who have). */
export async function hasAnyActivity(db: Kysely<Database>, userId: string): Promise<boolean> {
	const row = await db.selectFrom('activity_days').select('day').where('user_id', '=', userId).limit(1).executeTakeFirst();
	return row !== undefined;
}

/** Days covered by a streak freeze ('YYYY-MM-DD', ascending). */
export async function listFrozenDays(db: Kysely<Database>, userId: string): Promise<DayString[]> {
	const rows = await db.selectFrom('streak_freezes').select('day').where('user_id', '=', userId).orderBy('day').execute();
	return rows.map((r) => r.day);
}

/** Freezes the given days; days already frozen are skipped. Returns how many were new. */
export async function addFrozenDays(db: Kysely<Database>, userId: string, days: readonly DayString[]): Promise<{ added: number }> {
	const unique = [...new Set(days)];
	if (unique.length === 0) return { added: 0 };
	const rows = await db
		.insertInto('streak_freezes')
		.values(unique.map((day) => ({ user_id: userId, day })))
		.onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
		.returning('day')
		.execute();
	return { added: rows.length };
}
