/** Quiz attempts: every submission is kept; best scores and daily counts are derived. */
import type { Kysely, Transaction } from 'kysely';
import type { Database, DayString, JsonValue, QuizAttempt } from '../db/schema.ts';

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
}

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
		})
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** A user's attempts, newest first; all quizzes unless `quizId` is given. */
export async function listAttempts(db: Kysely<Database>, userId: string, quizId?: string): Promise<QuizAttempt[]> {
	let query = db.selectFrom('quiz_attempts').selectAll().where('user_id', '=', userId);
	if (quizId !== undefined) query = query.where('quiz_id', '=', quizId);
	return query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** How many times the user attempted a quiz on one local day (for per-day attempt limits). */
export async function countAttemptsOnDay(db: Kysely<Database>, userId: string, quizId: string, localDate: DayString): Promise<number> {
	const row = await db
		.selectFrom('quiz_attempts')
		.select((eb) => eb.fn.countAll<number>().as('count'))
		.where('user_id', '=', userId)
		.where('quiz_id', '=', quizId)
		.where('local_date', '=', localDate)
		.executeTakeFirstOrThrow();
	return Number(row.count);
}

/** The best percentage per quiz the user has attempted. */
export async function bestPercentByQuiz(db: Kysely<Database>, userId: string): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('quiz_attempts')
		.select((eb) => ['quiz_id', eb.fn.max('percent').as('best')])
		.where('user_id', '=', userId)
		.groupBy('quiz_id')
		.execute();
	const best: Record<string, number> = {};
	for (const row of rows) best[row.quiz_id] = Number(row.best);
	return best;
}

/** Whether the learner has ever passed this quiz (for the answer-reveal policy). */
export async function hasPassed(db: Kysely<Database> | Transaction<Database>, userId: string, quizId: string): Promise<boolean> {
	const row = await db
		.selectFrom('quiz_attempts')
		.select('id')
		.where('user_id', '=', userId)
		.where('quiz_id', '=', quizId)
		.where('passed', '=', true)
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}
