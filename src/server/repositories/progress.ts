/**
 * Learning progress: completed chapters, days with activity (for streaks) and
 * streak freezes. Every write is idempotent (INSERT ... ON CONFLICT DO
 * NOTHING), so a retried or doubled request counts once.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ActivitySource, Database, DayString } from '../db/schema.ts';
import { activeCardsJson, type CardRow, cardsFromJson } from './reviews.ts';

/** Marks a chapter complete; `created` is false when it already was (the first completion time is kept). */
export async function markChapterComplete(
	db: Kysely<Database>,
	userId: string,
	chapterId: string,
	now: Date,
): Promise<{ created: boolean }> {
	const { completionCreated } = await writeAndReadLearner(db, userId, [], { completeChapter: { chapterId, now } });
	return { created: completionCreated };
}

/** A user's completed chapters, in the order they were completed. */
export async function listCompletions(db: Kysely<Database>, userId: string): Promise<{ chapter_id: string; completed_at: Date }[]> {
	return (await writeAndReadLearner(db, userId, ['completions'])).completions;
}

/** Records that the user was active on `day` (their local calendar day); the first source of the day is kept. */
export async function recordActivity(
	db: Kysely<Database>,
	userId: string,
	day: DayString,
	source: ActivitySource,
): Promise<{ created: boolean }> {
	const { activityCreated } = await writeAndReadLearner(db, userId, [], { activity: { day, source } });
	return { created: activityCreated };
}

/** Days with activity ('YYYY-MM-DD', ascending), optionally from `sinceDay` on (inclusive). */
export async function listActivityDays(db: Kysely<Database>, userId: string, sinceDay?: DayString): Promise<DayString[]> {
	const { activeDays } = await writeAndReadLearner(db, userId, ['activeDays']);
	return sinceDay === undefined ? activeDays : activeDays.filter((day) => day >= sinceDay);
}

/** Whether the learner has any activity day at all (a time zone change waits only for those who have). */
export async function hasAnyActivity(db: Kysely<Database>, userId: string): Promise<boolean> {
	const row = await db.selectFrom('activity_days').select('day').where('user_id', '=', userId).limit(1).executeTakeFirst();
	return row !== undefined;
}

/** Days covered by a streak freeze ('YYYY-MM-DD', ascending). */
export async function listFrozenDays(db: Kysely<Database>, userId: string): Promise<DayString[]> {
	return (await writeAndReadLearner(db, userId, ['frozenDays'])).frozenDays;
}

/** The best percentage per quiz the user has attempted. */
export async function bestPercentByQuiz(db: Kysely<Database>, userId: string): Promise<Record<string, number>> {
	return (await writeAndReadLearner(db, userId, ['best'])).best;
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

/** What a learner view is computed from; each part read only when asked for. */
export interface LearnerRecords {
	completions: { chapter_id: string; completed_at: Date }[];
	/** Best quiz percent by quiz id. */
	best: Record<string, number>;
	/** Days with activity, ascending. */
	activeDays: DayString[];
	frozenDays: DayString[];
	lastActiveDay: DayString | null;
	/** Per quiz id: best and latest percent, attempts and the first attempt graded as a pass (milestones, mastery). */
	quizzes: Record<string, QuizResults>;
	/** The learner's certificates, one per course at most (migration 0014). */
	certificates: { id: string; courseId: string; courseTitle: string; learnerName: string; issuedAt: Date }[];
	/** Review cards still in the queue (repositories/reviews.ts), due or not. */
	reviewCards: CardRow[];
}
export interface QuizResults {
	best: number;
	latest: number;
	attempts: number;
	firstPassedAt: Date | null;
}
export type LearnerRecordName = keyof LearnerRecords;

export interface LearnerWrites {
	/** Marks a chapter complete (idempotent). */
	completeChapter?: { chapterId: string; now: Date };
	/** Records activity on the learner's local day (idempotent). */
	activity?: { day: DayString; source: ActivitySource };
}

/**
 * The idempotent writes and every record asked for in ONE statement (one round trip): the writes are
 * data-modifying CTEs, the reads subqueries of the same SELECT. The reads see the snapshot from before the
 * writes, so what was just written is added here: an ON CONFLICT DO NOTHING either inserted the row (not
 * yet visible) or found it (visible).
 */
export async function writeAndReadLearner<K extends LearnerRecordName>(
	db: Kysely<Database>,
	userId: string,
	read: readonly K[],
	writes: LearnerWrites = {},
): Promise<Pick<LearnerRecords, K> & { completionCreated: boolean; activityCreated: boolean }> {
	const ctes: RawBuilder<unknown>[] = [];
	const columns: RawBuilder<unknown>[] = [sql`1 AS one`];
	const { completeChapter, activity } = writes;
	if (completeChapter) {
		ctes.push(sql`completion AS (
			INSERT INTO chapter_completions (user_id, chapter_id, completed_at) VALUES (${userId}, ${completeChapter.chapterId}, ${completeChapter.now})
			ON CONFLICT (user_id, chapter_id) DO NOTHING RETURNING 1)`);
		columns.push(sql`EXISTS (SELECT 1 FROM completion) AS completion_created`);
	}
	if (activity) {
		ctes.push(sql`activity AS (
			INSERT INTO activity_days (user_id, day, first_source) VALUES (${userId}, ${activity.day}, ${activity.source})
			ON CONFLICT (user_id, day) DO NOTHING RETURNING 1)`);
		columns.push(sql`EXISTS (SELECT 1 FROM activity) AS activity_created`);
	}
	const wants = new Set<LearnerRecordName>(read);
	if (wants.has('completions')) {
		// json keeps the pairs together; the instants come back as ISO text.
		columns.push(sql`COALESCE((SELECT json_agg(json_build_array(chapter_id, completed_at) ORDER BY completed_at, chapter_id)
			FROM chapter_completions WHERE user_id = ${userId}), '[]'::json) AS completions`);
	}
	const readsQuizzes = wants.has('quizzes') || wants.has('best');
	// One row per quiz (quiz_results): the best scores are read from the same column.
	if (readsQuizzes) columns.push(quizzesColumn(userId));
	if (wants.has('activeDays')) {
		columns.push(sql`array(SELECT day::text FROM activity_days WHERE user_id = ${userId} ORDER BY day) AS active_days`);
	} else if (wants.has('lastActiveDay')) {
		columns.push(sql`(SELECT max(day)::text FROM activity_days WHERE user_id = ${userId}) AS last_active_day`);
	}
	if (wants.has('frozenDays')) {
		columns.push(sql`array(SELECT day::text FROM streak_freezes WHERE user_id = ${userId} ORDER BY day) AS frozen_days`);
	}
	if (wants.has('certificates')) {
		columns.push(certificatesColumn(userId));
	}
	if (wants.has('reviewCards')) columns.push(sql`${activeCardsJson(userId)} AS review_cards`);
	const query = sql<LearnerRow>`${ctes.length > 0 ? sql`WITH ${sql.join(ctes)} ` : sql``}SELECT ${sql.join(columns)}`;
	const row = (await query.execute(db)).rows[0] as LearnerRow;

	const completionCreated = row.completion_created === true;
	const activityCreated = row.activity_created === true;
	const out: Partial<LearnerRecords> = {};
	if (wants.has('completions')) {
		const completions = (row.completions ?? []).map(([chapter_id, at]) => ({ chapter_id, completed_at: new Date(at) }));
		if (completeChapter && completionCreated) {
			completions.push({ chapter_id: completeChapter.chapterId, completed_at: completeChapter.now });
			completions.sort((a, b) => a.completed_at.getTime() - b.completed_at.getTime() || compare(a.chapter_id, b.chapter_id));
		}
		// A concurrent request inserted it after this statement's snapshot was taken (the conflict waited for its
		// commit): its time is not known here, so read once more. Only that race pays the second round trip.
		const raced = completeChapter && !completionCreated && !completions.some((c) => c.chapter_id === completeChapter.chapterId);
		out.completions = raced ? (await writeAndReadLearner(db, userId, ['completions'])).completions : completions;
	}
	if (readsQuizzes) {
		const quizzes = quizzesFromRow(row);
		if (wants.has('quizzes')) out.quizzes = quizzes;
		if (wants.has('best')) out.best = Object.fromEntries(Object.entries(quizzes).map(([quiz, r]) => [quiz, r.best]));
	}
	const activeDays = row.active_days ?? [];
	if (activity && !activeDays.includes(activity.day)) {
		activeDays.push(activity.day);
		activeDays.sort();
	}
	if (wants.has('activeDays')) out.activeDays = activeDays;
	if (wants.has('lastActiveDay')) {
		const last = wants.has('activeDays') ? (activeDays.at(-1) ?? null) : (row.last_active_day ?? null);
		out.lastActiveDay = activity && (last === null || activity.day > last) ? activity.day : last;
	}
	if (wants.has('frozenDays')) out.frozenDays = row.frozen_days ?? [];
	if (wants.has('certificates')) {
		out.certificates = certificatesFromRow(row);
	}
	if (wants.has('reviewCards')) out.reviewCards = cardsFromJson(row.review_cards);
	return { ...(out as Pick<LearnerRecords, K>), completionCreated, activityCreated };
}

/**
 * The `quizzes` record as a column: best, latest, attempts and first pass per quiz, one row per quiz
 * (quiz_results, kept from the attempts by migration 0017's triggers: no aggregate over the history).
 */
export function quizzesColumn(userId: string): RawBuilder<unknown> {
	return sql`COALESCE((SELECT json_object_agg(quiz_id, json_build_array(best, latest, attempts, first_passed_at))
			FROM quiz_results WHERE user_id = ${userId}), '{}'::json) AS quizzes`;
}

/** The `certificates` record as a column. */
export function certificatesColumn(userId: string): RawBuilder<unknown> {
	return sql`COALESCE((SELECT json_agg(json_build_array(id, course_id, issued_at, course_title, learner_name) ORDER BY issued_at)
			FROM certificates WHERE user_id = ${userId}), '[]'::json) AS certificates`;
}

export type QuizRecordsRow = Pick<LearnerRow, 'quizzes' | 'certificates'>;

export function quizzesFromRow(row: QuizRecordsRow): LearnerRecords['quizzes'] {
	return Object.fromEntries(
		Object.entries(row.quizzes ?? {}).map(([quiz, [best, latest, n, firstPassed]]) => [
			quiz,
			{
				best: Number(best),
				latest: Number(latest),
				attempts: Number(n),
				firstPassedAt: firstPassed === null ? null : new Date(firstPassed),
			},
		]),
	);
}

export function certificatesFromRow(row: QuizRecordsRow): LearnerRecords['certificates'] {
	return (row.certificates ?? []).map(([id, courseId, at, courseTitle, learnerName]) => ({
		id,
		courseId,
		courseTitle,
		learnerName,
		issuedAt: new Date(at),
	}));
}

interface LearnerRow {
	completion_created?: boolean;
	activity_created?: boolean;
	completions?: [string, string][];
	active_days?: DayString[];
	last_active_day?: DayString | null;
	frozen_days?: DayString[];
	quizzes?: Record<string, [number, number, number, string | null]>;
	certificates?: [string, string, string, string, string][];
	review_cards?: Parameters<typeof cardsFromJson>[0];
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
