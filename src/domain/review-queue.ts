/**
 * The review queue: a Leitner system over the questions a learner missed. Pure and deterministic: a card's
 * next state is a function of its state, whether the answer was right and the learner's calendar day, so the
 * same answers on the same days always give the same queue (docs/decisions/0023-review-queue.md).
 *
 * - A question answered wrong (in a quiz attempt or a review) goes to box 1, due the next day.
 * - A right answer on a card that is due moves it up one box, due after that box's interval:
 *   box 1 → 2 (3 days), 2 → 3 (7 days), 3 → 4 (14 days), 4 → 5 (30 days); right in box 5 retires it.
 * - A right answer on a card that is not due yet (the same day, or a quiz retaken early) changes nothing:
 *   only a recall after the interval counts.
 * Days are calendar days ('YYYY-MM-DD') in the learner's time zone, so DST never shifts a due day.
 */
import { addDays } from './dates.ts';
import { answersRevealed, type RevealPolicy } from './reveal.ts';

/** Days until a card in box n (1-based) is due again: box 1 → 1 day … box 5 → 30 days. */
export const REVIEW_INTERVALS = [1, 3, 7, 14, 30] as const;
export const TOP_BOX = REVIEW_INTERVALS.length;

export interface CardState {
	/** 1..TOP_BOX. */
	box: number;
	/** The learner's calendar day the card is due on. */
	dueDay: string;
	/** The day a right answer in the top box retired it; null while it is in the queue. */
	retiredOn: string | null;
}

/** Days until a card in `box` is due again. */
export function intervalOf(box: number): number {
	const i = Math.min(Math.max(Math.trunc(box), 1), TOP_BOX) - 1;
	return REVIEW_INTERVALS[i] ?? 1;
}

/** Due on `today`: in the queue and its due day has come (overdue cards stay due). */
export function isDue(card: CardState, today: string): boolean {
	return card.retiredOn === null && card.dueDay <= today;
}

/** A wrong answer, wherever it was given: box 1, due tomorrow (a retired card comes back). */
export function afterMiss(today: string): CardState {
	return { box: 1, dueDay: addDays(today, intervalOf(1)), retiredOn: null };
}

/** A right answer on a due card in `box`: up one box, or retired from the top box. */
export function afterRecall(box: number, today: string): CardState {
	if (box >= TOP_BOX) return { box: TOP_BOX, dueDay: today, retiredOn: today };
	const next = Math.max(1, Math.trunc(box)) + 1;
	return { box: next, dueDay: addDays(today, intervalOf(next)), retiredOn: null };
}

/**
 * What one graded answer does to a question's card (`null`: the question has none). Returns the new state,
 * or null when nothing changes: a right answer to a question without a card, or to a card not due today.
 */
export function applyAnswer(card: CardState | null, correct: boolean, today: string): CardState | null {
	if (!correct) return afterMiss(today);
	if (card === null || !isDue(card, today)) return null;
	return afterRecall(card.box, today);
}

/**
 * afterRecall for every box, as rows a single SQL statement can apply to whichever box each card is in
 * (the database never restates the rule, it looks the outcome up here).
 */
export function recallTable(today: string): { fromBox: number; box: number; dueDay: string; retiredOn: string | null }[] {
	return REVIEW_INTERVALS.map((_, i) => ({ fromBox: i + 1, ...afterRecall(i + 1, today) }));
}

/** A card as the queue sees it: which question, and where it stands. */
export interface QueueCard extends CardState {
	quizId: string;
	questionId: string;
}

/** Where a card's question is in the course, or null when it is gone (quiz or question removed by a rebuild) or out of reach. */
export type CardPlace = (card: QueueCard) => { quizPosition: number; questionPosition: number } | null;

/**
 * The cards due on `today`, in a fixed order: the longest overdue first, then the lowest box (the least
 * known), then the course's order (the quiz's chapter, then the question within its quiz), then ids.
 * Cards whose question no longer exists, or that the learner cannot open, are left out.
 */
export function dueCards<C extends QueueCard>(cards: readonly C[], today: string, placeOf: CardPlace): C[] {
	const placed: { card: C; quiz: number; question: number }[] = [];
	for (const card of cards) {
		if (!isDue(card, today)) continue;
		const place = placeOf(card);
		if (place) placed.push({ card, quiz: place.quizPosition, question: place.questionPosition });
	}
	placed.sort(
		(a, b) =>
			compare(a.card.dueDay, b.card.dueDay) ||
			a.card.box - b.card.box ||
			a.quiz - b.quiz ||
			a.question - b.question ||
			compare(a.card.quizId, b.card.quizId) ||
			compare(a.card.questionId, b.card.questionId),
	);
	return placed.map((p) => p.card);
}

/** The first day after `today` a card still in the queue falls due (null: none waiting). */
export function nextDueDay(cards: readonly QueueCard[], today: string, placeOf: CardPlace): string | null {
	let next: string | null = null;
	for (const card of cards) {
		if (card.retiredOn !== null || card.dueDay <= today || placeOf(card) === null) continue;
		if (next === null || card.dueDay < next) next = card.dueDay;
	}
	return next;
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** A graded quiz attempt's effect on the queue: which questions were missed (to box 1) and which answered right (up, when due). */
export function splitAttempt(questions: readonly { id: string; correct: boolean }[]): { missed: string[]; right: string[] } {
	return {
		missed: questions.filter((q) => q.correct !== true).map((q) => q.id),
		right: questions.filter((q) => q.correct === true).map((q) => q.id),
	};
}

/**
 * Whether a review's feedback shows the correct options and explanation. The quiz's reveal policy holds as if
 * the review were an attempt with no daily limit (so `after_last_attempt` never reveals, and the default
 * reveals only after a pass): a missed question's review must not hand over the key the next attempt needs.
 * A right answer shows the explanation too (it reveals nothing the learner did not pick), unless the policy is `never`.
 */
export function reviewRevealed(policy: RevealPolicy | undefined, ctx: { passedEver: boolean; correct: boolean }): boolean {
	if (policy === 'never') return false;
	return ctx.correct || answersRevealed(policy, { passedEver: ctx.passedEver, attemptsLeftToday: null });
}
