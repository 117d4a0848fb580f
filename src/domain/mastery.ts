/**
 * How well a learner knows a chapter, from what they did: its quiz's best and latest scores now, review
 * results once the review queue feeds them in. A pure function of its input (docs/decisions/0024).
 *
 * The rule, per chapter:
 * - No quiz: completion only (`completed` or `not_started`), no score — until reviews give it one.
 * - A quiz, never attempted: `learning` if the chapter was read, else `not_started`; no score.
 * - Attempted: score = the mean of the best and the latest percent (a lucky best alone does not make
 *   mastery; a bad latest after a good best pulls it down), and with review results the recall rate
 *   (correct / total, in percent) as a third, equal term.
 *   - best below the pass mark: `learning`;
 *   - latest at or above the pass mark, score at least MASTERED_SCORE and, with reviews, recall at least
 *     MASTERED_RECALL: `mastered`;
 *   - otherwise (passed once): `proficient`.
 */

export type MasteryLevel = 'not_started' | 'learning' | 'proficient' | 'mastered' | 'completed';

/** A mean score from this on, with the latest attempt passing, is mastery. */
export const MASTERED_SCORE = 90;
/** With review results, mastery also needs this recall rate (percent). */
export const MASTERED_RECALL = 80;

export interface MasteryInput {
	/** Whether the learner marked the chapter as read. */
	completed: boolean;
	/** The chapter's quiz; null when it has none. */
	quiz: { passMark: number } | null;
	/** The learner's results on that quiz; null or attempts 0 when never attempted. */
	results: { best: number; latest: number; attempts: number } | null;
	/** Spaced-review answers about the chapter (the review queue); absent until it exists. */
	reviews?: { correct: number; total: number } | null;
}

export interface Mastery {
	level: MasteryLevel;
	/** 0–100, or null when nothing measures it yet. */
	score: number | null;
	/** What the score was computed from. */
	basis: 'none' | 'completion' | 'quiz' | 'quiz_and_reviews' | 'reviews';
}

const clampPercent = (n: number) => Math.min(100, Math.max(0, Number.isFinite(n) ? n : 0));

export function chapterMastery({ completed, quiz, results, reviews }: MasteryInput): Mastery {
	const recall = reviews && reviews.total > 0 ? clampPercent((100 * reviews.correct) / reviews.total) : null;
	const attempted = quiz !== null && results !== null && results.attempts > 0;
	if (!attempted) {
		if (recall !== null) {
			// Reviews alone (a chapter without a quiz, or a quiz not taken yet): they measure recall, not a pass.
			return { level: recall >= MASTERED_RECALL ? 'proficient' : 'learning', score: Math.round(recall), basis: 'reviews' };
		}
		if (quiz === null) return { level: completed ? 'completed' : 'not_started', score: null, basis: completed ? 'completion' : 'none' };
		return { level: completed ? 'learning' : 'not_started', score: null, basis: completed ? 'completion' : 'none' };
	}
	const best = clampPercent(results.best);
	const latest = clampPercent(results.latest);
	const terms = recall === null ? [best, latest] : [best, latest, recall];
	const score = Math.round(terms.reduce((a, b) => a + b, 0) / terms.length);
	const basis = recall === null ? 'quiz' : 'quiz_and_reviews';
	if (best < quiz.passMark) return { level: 'learning', score, basis };
	const mastered = latest >= quiz.passMark && score >= MASTERED_SCORE && (recall === null || recall >= MASTERED_RECALL);
	return { level: mastered ? 'mastered' : 'proficient', score, basis };
}
