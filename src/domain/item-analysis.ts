/**
 * Item analysis of a quiz from its stored attempts: pure, so the figures can be checked by hand.
 *
 * - attempts: every stored attempt that answered the question (retries included);
 * - first-attempt figures use each learner's first attempt only, so retries after seeing the
 *   answers do not inflate them;
 * - the most-chosen wrong option counts, among wrong first answers, how many selected each option
 *   that is not part of the key (ties go to the earlier option in the question's order);
 * - discrimination: learners ranked by first-attempt total (ties by user id, for a stable result),
 *   upper and lower groups of round(27 % of learners) each (at least one learner, and only with two
 *   or more learners); index = share correct in the upper group − share correct in the lower one.
 */
import { type Answers, type KeyedQuestion, questionCredit, type QuizKey } from './grading.ts';

export interface AttemptForAnalysis {
	userId: string;
	/** True for the learner's first attempt at this quiz. */
	first: boolean;
	/** As stored; malformed entries count as unanswered. */
	answers: Answers | Record<string, unknown>;
}

export interface WrongOptionShare {
	optionId: string;
	text: string;
	/** Wrong first answers that selected this option. */
	count: number;
	/** count / wrong first answers, 0-1. */
	share: number;
}

export interface QuestionStatistics {
	questionId: string;
	prompt: string;
	attempts: number;
	firstAttempts: number;
	firstAttemptsCorrect: number;
	/** 0-1, null with no first attempt. */
	firstAttemptCorrectRate: number | null;
	wrongFirstAttempts: number;
	mostChosenWrongOption: WrongOptionShare | null;
	/** −1 to 1, null with fewer than two learners. */
	discrimination: number | null;
}

export interface QuizStatistics {
	quizId: string;
	learners: number;
	attempts: number;
	/** Size of each of the upper and lower groups (0 when discrimination is not defined). */
	groupSize: number;
	questions: QuestionStatistics[];
}

/** The share of the extreme groups (Kelley's 27 %). */
export const GROUP_FRACTION = 0.27;

function selection(answers: AttemptForAnalysis['answers'], questionId: string): string[] | null {
	const raw = Object.hasOwn(answers, questionId) ? (answers as Record<string, unknown>)[questionId] : undefined;
	if (!Array.isArray(raw) || raw.length === 0) return null;
	return raw.filter((v): v is string => typeof v === 'string');
}

/** Full credit, by the grading rule itself (short and numeric answers included; partial credit is not correct). */
function isCorrect(picked: string[] | null, question: KeyedQuestion): boolean {
	return picked !== null && questionCredit(question, picked) === 1;
}

export function groupSize(learners: number): number {
	return learners < 2 ? 0 : Math.max(1, Math.round(GROUP_FRACTION * learners));
}

export function analyzeQuiz(key: QuizKey, attempts: readonly AttemptForAnalysis[]): QuizStatistics {
	const firsts = new Map<string, AttemptForAnalysis>();
	for (const a of attempts) if (a.first && !firsts.has(a.userId)) firsts.set(a.userId, a);
	const learners = [...firsts.values()];
	// correctness[learner][question]
	const correctness = learners.map((a) => key.questions.map((q) => isCorrect(selection(a.answers, q.id), q)));
	const ranked = learners
		.map((a, i) => ({ userId: a.userId, i, total: (correctness[i] ?? []).filter(Boolean).length }))
		.sort((x, y) => y.total - x.total || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
	const g = groupSize(learners.length);
	const upper = ranked.slice(0, g).map((r) => r.i);
	const lower = ranked.slice(ranked.length - g).map((r) => r.i);

	const questions = key.questions.map((q, qi): QuestionStatistics => {
		const answered = attempts.filter((a) => selection(a.answers, q.id) !== null).length;
		const correctFirst = correctness.filter((row) => row[qi]).length;
		const wrong = learners.filter((_, li) => !correctness[li]?.[qi]);
		const counts = new Map<string, number>();
		for (const a of wrong) for (const id of new Set(selection(a.answers, q.id) ?? [])) counts.set(id, (counts.get(id) ?? 0) + 1);
		let top: WrongOptionShare | null = null;
		for (const option of q.options) {
			if (q.correct.includes(option.id)) continue;
			const count = counts.get(option.id) ?? 0;
			if (count > 0 && (top === null || count > top.count)) {
				top = { optionId: option.id, text: option.text, count, share: count / wrong.length };
			}
		}
		const rate = (group: number[]) => group.filter((li) => correctness[li]?.[qi]).length / group.length;
		return {
			questionId: q.id,
			prompt: q.prompt,
			attempts: answered,
			firstAttempts: learners.length,
			firstAttemptsCorrect: correctFirst,
			firstAttemptCorrectRate: learners.length === 0 ? null : correctFirst / learners.length,
			wrongFirstAttempts: wrong.length,
			mostChosenWrongOption: top,
			discrimination: g === 0 ? null : rate(upper) - rate(lower),
		};
	});
	return { quizId: key.id, learners: learners.length, attempts: attempts.length, groupSize: g, questions };
}
