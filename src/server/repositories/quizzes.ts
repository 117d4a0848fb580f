/** Quiz attempts: every submission is kept; best scores and daily counts are derived. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, DayString, JsonValue, QuizAttempt } from '../db/schema.ts';
import {
	certificatesColumn,
	type LearnerRecords,
	type QuizRecordsRow,
	quizzesColumn,
	quizzesFromRow,
	certificatesFromRow,
} from './progress.ts';
import { attemptReviewCtes } from './reviews.ts';

export interface NewAttemptInput {
	userId: string;
	quizId: string;
	/** The submitted answers, stored as jsonb. */
	answers: JsonValue & object;
	score: number;
	total: number;
	percent: number;
	passed: boolean;
	/** The learner's calendar day ('YYYY-MM-DD' in their time zone), for daily limits and streaks. */
	localDate: DayString;
	now: Date;
	/** The draw's seed (quiz_draws), consumed by this attempt; null: every question in the author's order. */
	seed?: number | null;
}

/** A bare insert, without the daily count or the activity day (recordAttempt does both): for imports and tests. */
export async function insertAttempt(db: Kysely<Database>, input: NewAttemptInput): Promise<QuizAttempt> {
	return db
		.insertInto('quiz_attempts')
		.values({
			user_id: input.userId,
			quiz_id: input.quizId,
			// Serialized here: pg would send a JS array as a Postgres array literal, not JSON.
			answers: JSON.stringify(input.answers),
			score: input.score,
			total: input.total,
			percent: input.percent,
			passed: input.passed,
			local_date: input.localDate,
			created_at: input.now,
			seed: input.seed ?? null,
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

export interface RecordAttemptInput extends NewAttemptInput {
	/** Attempts allowed at this quiz per local day: the attempt is written only while fewer were made; null: no limit, no count. */
	dailyLimit: number | null;
	/** Also answer whether an earlier attempt passed (for the reveal policy). */
	askPassedBefore: boolean;
	/** Questions answered wrong and right, applied to the review queue in the same statement (repositories/reviews.ts). */
	review?: { missed: readonly string[]; right: readonly string[] };
	/** Also read the learner's quiz records and certificates, as they were before this attempt (for a pass). */
	readQuizRecords?: boolean;
}

/** The learner's quiz records and certificates from the attempt's statement: its snapshot, before the attempt. */
export type RecordsBeforeAttempt = Pick<LearnerRecords, 'quizzes' | 'certificates'>;

/**
 * One statement: the day's count (with a limit), the attempt (only under the limit), the activity day
 * (only with the attempt) and whether an earlier attempt passed. With a limit, call it inside a transaction
 * that has locked the learner's row first, so a concurrent submission waits and then counts this one
 * (a statement sees the rows committed before it starts). `attempt` is null when the limit was reached.
 * With `readQuizRecords`, the same statement also reads the quiz records and certificates, from its
 * snapshot: without this attempt.
 */
export async function recordAttempt(
	db: Kysely<Database> | Transaction<Database>,
	input: RecordAttemptInput,
): Promise<{
	attempt: QuizAttempt | null;
	usedBefore: number;
	passedBefore: boolean;
	lastCoveredBeforeToday: string | null;
	/** With `readQuizRecords`. */
	recordsBefore?: RecordsBeforeAttempt;
}> {
	const limited = input.dailyLimit !== null;
	const ctes = [
		...(limited
			? [
					sql`used AS (SELECT count(*)::int AS n FROM quiz_attempts
						WHERE user_id = ${input.userId} AND quiz_id = ${input.quizId} AND local_date = ${input.localDate}::date)`,
				]
			: []),
		sql`attempt AS (
			INSERT INTO quiz_attempts (user_id, quiz_id, answers, score, total, percent, passed, local_date, created_at, seed)
			SELECT ${input.userId}::text, ${input.quizId}::text, ${JSON.stringify(input.answers)}::jsonb, ${input.score}::float8,
				${input.total}::int, ${input.percent}::int, ${input.passed}::boolean, ${input.localDate}::date, ${input.now}::timestamptz,
				${input.seed ?? null}::int
			${limited ? sql`FROM used WHERE used.n < ${input.dailyLimit}::int` : sql``}
			RETURNING *)`,
		// The attempt consumes its draw: the next start draws anew.
		...(input.seed === undefined || input.seed === null
			? []
			: [
					sql`consumed AS (
			DELETE FROM quiz_draws WHERE user_id = ${input.userId} AND quiz_id = ${input.quizId} AND seed = ${input.seed}::int
				AND EXISTS (SELECT 1 FROM attempt) RETURNING 1)`,
				]),
		sql`activity AS (
			INSERT INTO activity_days (user_id, day, first_source)
			SELECT ${input.userId}::text, ${input.localDate}::date, 'quiz' WHERE EXISTS (SELECT 1 FROM attempt)
			ON CONFLICT (user_id, day) DO NOTHING RETURNING 1)`,
		...(input.review
			? attemptReviewCtes(
					{ userId: input.userId, quizId: input.quizId, ...input.review, today: input.localDate, now: input.now },
					sql`EXISTS (SELECT 1 FROM attempt)`,
				)
			: []),
	];
	const passedBefore = input.askPassedBefore
		? sql`EXISTS (SELECT 1 FROM quiz_results WHERE user_id = ${input.userId} AND quiz_id = ${input.quizId} AND first_passed_at IS NOT NULL)`
		: sql`false`;
	const usedBefore = limited ? sql`(SELECT n FROM used)` : sql`0`;
	// On the day's first activity: the last day before today the streak covered (active or frozen), so the
	// caller can tell whether days were missed and freezes may be due (learner.ts applyDueFreezesAfterGap).
	const lastCovered = sql`CASE WHEN EXISTS (SELECT 1 FROM activity) THEN (SELECT max(day)::text FROM (
			SELECT day FROM activity_days WHERE user_id = ${input.userId} AND day < ${input.localDate}::date
			UNION ALL SELECT day FROM streak_freezes WHERE user_id = ${input.userId} AND day < ${input.localDate}::date) covered) END`;
	const records = input.readQuizRecords ? sql`, ${quizzesColumn(input.userId)}, ${certificatesColumn(input.userId)}` : sql``;
	const { rows } = await sql<
		QuizAttempt & { used_before: number; passed_before: boolean; attempted: boolean; last_covered: string | null } & QuizRecordsRow
	>`
		WITH ${sql.join(ctes)}
		SELECT attempt.*, attempt.id IS NOT NULL AS attempted, ${usedBefore} AS used_before, ${passedBefore} AS passed_before,
			${lastCovered} AS last_covered${records}
		FROM (SELECT 1) AS one LEFT JOIN attempt ON true`.execute(db);
	const row = rows[0];
	if (!row) throw new Error('recordAttempt: no row');
	const { used_before, passed_before, attempted, last_covered, quizzes, certificates, ...attempt } = row;
	return {
		attempt: attempted ? (attempt as QuizAttempt) : null,
		usedBefore: Number(used_before),
		passedBefore: passed_before === true,
		lastCoveredBeforeToday: last_covered ?? null,
		...(input.readQuizRecords
			? { recordsBefore: { quizzes: quizzesFromRow({ quizzes }), certificates: certificatesFromRow({ certificates }) } }
			: {}),
	};
}

/** A user's attempts, newest first; all quizzes unless `quizId` is given. */
export async function listAttempts(db: Kysely<Database>, userId: string, quizId?: string): Promise<QuizAttempt[]> {
	let query = db.selectFrom('quiz_attempts').selectAll().where('user_id', '=', userId);
	if (quizId !== undefined) query = query.where('quiz_id', '=', quizId);
	return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/**
 * The learner's open draw at a quiz: the seed of the questions they were shown, created with `newSeed` when
 * there is none. One statement; two concurrent starts agree (the primary key keeps the first seed).
 */
export async function openDraw(db: Kysely<Database>, userId: string, quizId: string, newSeed: number): Promise<number> {
	const { rows } = await sql<{ seed: number }>`
		WITH ins AS (
			INSERT INTO quiz_draws (user_id, quiz_id, seed) VALUES (${userId}, ${quizId}, ${newSeed}::int)
			ON CONFLICT (user_id, quiz_id) DO NOTHING RETURNING seed)
		SELECT seed FROM ins UNION ALL SELECT seed FROM quiz_draws WHERE user_id = ${userId} AND quiz_id = ${quizId}
		LIMIT 1`.execute(db);
	const seed = rows[0]?.seed;
	if (seed !== undefined) return Number(seed);
	// A concurrent submission consumed the row between the insert's conflict and the read: start again.
	return openDraw(db, userId, quizId, newSeed);
}

/** The learner's open draw at a quiz, if they started it and have not submitted it. */
export async function currentDraw(db: Kysely<Database>, userId: string, quizId: string): Promise<number | null> {
	const row = await db
		.selectFrom('quiz_draws')
		.select('seed')
		.where('user_id', '=', userId)
		.where('quiz_id', '=', quizId)
		.executeTakeFirst();
	return row ? Number(row.seed) : null;
}
