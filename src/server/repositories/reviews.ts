/**
 * The review queue's cards (migration 0013). The rules are domain/review-queue.ts: this module only
 * writes the states those functions computed, and reads cards back.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { afterMiss, type CardState, type QueueCard, recallTable } from '../../domain/review-queue.ts';
import type { Database, DayString } from '../db/schema.ts';

export interface AttemptReviewInput {
	userId: string;
	quizId: string;
	/** Question ids answered wrong (to box 1) and right (up one box, when due) in the attempt. */
	missed: readonly string[];
	right: readonly string[];
	/** The learner's calendar day of the attempt. */
	today: DayString;
	now: Date;
}

/**
 * The data-modifying CTEs that apply a quiz attempt to the queue, for the attempt's own statement
 * (repositories/quizzes.ts recordAttempt): they run only when `written` holds (the attempt was under the
 * daily limit). Misses and right answers are disjoint sets of questions, so no row is touched twice.
 */
export function attemptReviewCtes(input: AttemptReviewInput, written: RawBuilder<unknown>): RawBuilder<unknown>[] {
	const miss = afterMiss(input.today);
	const ctes: RawBuilder<unknown>[] = [];
	if (input.missed.length > 0) {
		ctes.push(sql`review_missed AS (
			INSERT INTO review_cards (user_id, quiz_id, question_id, box, due_day, retired_on, lapses, created_at, updated_at)
			SELECT ${input.userId}::text, ${input.quizId}::text, q.id, ${miss.box}::smallint, ${miss.dueDay}::date, NULL, 1,
				${input.now}::timestamptz, ${input.now}::timestamptz
			FROM jsonb_array_elements_text(${JSON.stringify(input.missed)}::jsonb) AS q(id) WHERE ${written}
			ON CONFLICT (user_id, quiz_id, question_id) DO UPDATE SET box = EXCLUDED.box, due_day = EXCLUDED.due_day, retired_on = NULL,
				lapses = review_cards.lapses + 1, updated_at = EXCLUDED.updated_at
			RETURNING 1)`);
	}
	if (input.right.length > 0) {
		ctes.push(sql`review_recalled AS (
			UPDATE review_cards AS c SET box = t.box, due_day = t."dueDay"::date, retired_on = t."retiredOn"::date,
				reviews = c.reviews + 1, updated_at = ${input.now}::timestamptz
			FROM jsonb_to_recordset(${JSON.stringify(recallTable(input.today))}::jsonb) AS t("fromBox" int, box int, "dueDay" text, "retiredOn" text)
			WHERE ${written} AND c.user_id = ${input.userId} AND c.quiz_id = ${input.quizId}
				AND c.question_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(input.right)}::jsonb))
				AND c.retired_on IS NULL AND c.due_day <= ${input.today}::date AND c.box = t."fromBox"
			RETURNING 1)`);
	}
	return ctes;
}

export interface CardRow extends QueueCard {
	reviews: number;
	lapses: number;
}

/** The SQL that reads a learner's cards still in the queue as a json array (for writeAndReadLearner). */
export function activeCardsJson(userId: string): RawBuilder<unknown> {
	return sql`COALESCE((SELECT json_agg(json_build_array(quiz_id, question_id, box, due_day::text, reviews, lapses)
		ORDER BY due_day, box, quiz_id, question_id) FROM review_cards WHERE user_id = ${userId} AND retired_on IS NULL), '[]'::json)`;
}

export function cardsFromJson(rows: [string, string, number, string, number, number][] | null | undefined): CardRow[] {
	return (rows ?? []).map(([quizId, questionId, box, dueDay, reviews, lapses]) => ({
		quizId,
		questionId,
		box: Number(box),
		dueDay,
		retiredOn: null,
		reviews: Number(reviews),
		lapses: Number(lapses),
	}));
}

/** One card and whether the learner ever passed its quiz (for the reveal policy), in one statement. */
export async function cardForReview(
	db: Kysely<Database>,
	userId: string,
	quizId: string,
	questionId: string,
): Promise<{ card: CardState | null; passedEver: boolean }> {
	const { rows } = await sql<{ box: number | null; due_day: string | null; retired_on: string | null; passed_ever: boolean }>`
		SELECT c.box, c.due_day::text AS due_day, c.retired_on::text AS retired_on,
			EXISTS (SELECT 1 FROM quiz_results WHERE user_id = ${userId} AND quiz_id = ${quizId} AND first_passed_at IS NOT NULL) AS passed_ever
		FROM (SELECT 1) AS one
		LEFT JOIN review_cards AS c ON c.user_id = ${userId} AND c.quiz_id = ${quizId} AND c.question_id = ${questionId}`.execute(db);
	const row = rows[0];
	const card =
		row && row.box !== null && row.due_day !== null
			? { box: Number(row.box), dueDay: row.due_day, retiredOn: row.retired_on ?? null }
			: null;
	return { card, passedEver: row?.passed_ever === true };
}

/**
 * Moves a card from the state it was read in to `to`; false when it had moved meanwhile (a second answer
 * raced this one), so one due card is answered once.
 */
export async function moveCard(
	db: Kysely<Database>,
	key: { userId: string; quizId: string; questionId: string },
	from: CardState,
	to: CardState,
	correct: boolean,
	now: Date,
): Promise<boolean> {
	const moved = await db
		.updateTable('review_cards')
		.set((eb) => ({
			box: to.box,
			due_day: to.dueDay,
			retired_on: to.retiredOn,
			reviews: eb('reviews', '+', 1),
			lapses: correct ? eb.ref('lapses') : eb('lapses', '+', 1),
			updated_at: now,
		}))
		.where('user_id', '=', key.userId)
		.where('quiz_id', '=', key.quizId)
		.where('question_id', '=', key.questionId)
		.where('box', '=', from.box)
		.where('due_day', '=', from.dueDay)
		.where('retired_on', 'is', null)
		.returning('box')
		.executeTakeFirst();
	return moved !== undefined;
}
