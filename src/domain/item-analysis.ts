/**
 * Item analysis of a quiz from its stored attempts: pure, so the figures can be checked by hand.
 *
 * - a question counts only over the attempts that asked it: a quiz that draws from a pool asks each
 *   attempt a subset, re-derived from the attempt's stored seed and the current key (domain/quiz-draw.ts),
 *   so a question an attempt never showed is neither right nor wrong there;
 * - attempts: every stored attempt that was asked and answered the question (retries included);
 * - first-attempt figures use each learner's first attempt only, so retries after seeing the
 *   answers do not inflate them;
 * - the most-chosen wrong option counts, among wrong first answers, how many selected each option
 *   that is not part of the key (ties go to the earlier option in the question's order);
 * - discrimination: learners ranked by the share of their first attempt's questions answered right (the
 *   total when every attempt asks the same number; ties by user id, for a stable result), upper and lower
 *   groups of round(27 % of learners) each (at least one learner, and only with two or more learners);
 *   index = share correct in the upper group − share correct in the lower one, each among the group's
 *   learners asked the question (null when either group has none).
 */
import { type Answers, type KeyedQuestion, questionCredit, type QuizKey } from './grading.ts';
import { drawn } from './quiz-draw.ts';

export interface AttemptForAnalysis {
	userId: string;
	/** True for the learner's first attempt at this quiz. */
	first: boolean;
	/** As stored; malformed entries count as unanswered. */
	answers: Answers | Record<string, unknown>;
	/** The attempt's stored seed; null: it asked every question. */
	seed: number | null;
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
	/** Learners whose first attempt asked this question. */
	firstAttempts: number;
	firstAttemptsCorrect: number;
	/** 0-1, null with no first attempt. */
	firstAttemptCorrectRate: number | null;
	wrongFirstAttempts: number;
	mostChosenWrongOption: WrongOptionShare | null;
	/** −1 to 1, null with fewer than two learners or when the upper or lower group was never asked it. */
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

/** The ids of the questions an attempt asked, by its seed and the current key. */
function askedIds(key: QuizKey, seed: number | null): Set<string> {
	return new Set((seed === null ? key.questions : drawn(key.questions, key.draw, seed)).map((q) => q.id));
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

export function analyzeQuiz(key: QuizKey, attempts: readonly AttemptForAnalysis[]): QuizStatistics {
	const firsts = new Map<string, AttemptForAnalysis>();
	for (const a of attempts) if (a.first && !firsts.has(a.userId)) firsts.set(a.userId, a);
	const learners = [...firsts.values()];
	const asked = new Map(attempts.map((a) => [a, askedIds(key, a.seed)]));
	const wasAsked = (a: AttemptForAnalysis, questionId: string) => asked.get(a)?.has(questionId) === true;
	// correctness[learner][question]: null where that learner's first attempt did not ask the question.
	const correctness = learners.map((a) => key.questions.map((q) => (wasAsked(a, q.id) ? isCorrect(selection(a.answers, q.id), q) : null)));
	const ranked = learners
		.map((a, i) => {
			const row = correctness[i] ?? [];
			return { userId: a.userId, i, score: share(row.filter((c) => c === true).length, row.filter((c) => c !== null).length) };
		})
		.sort((x, y) => y.score - x.score || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
	const g = groupSize(learners.length);
	const upper = ranked.slice(0, g).map((r) => r.i);
	const lower = ranked.slice(ranked.length - g).map((r) => r.i);

	const questions = key.questions.map((q, qi): QuestionStatistics => {
		const answered = attempts.filter((a) => wasAsked(a, q.id) && selection(a.answers, q.id) !== null).length;
		const askedFirst = learners.filter((_, li) => correctness[li]?.[qi] !== null);
		const correctFirst = correctness.filter((row) => row[qi] === true).length;
		const wrong = learners.filter((_, li) => correctness[li]?.[qi] === false);
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
		/** Share correct among the group's learners asked this question; null when none was. */
		const rate = (group: number[]) => {
			const shown = group.filter((li) => correctness[li]?.[qi] !== null);
			return shown.length === 0 ? null : shown.filter((li) => correctness[li]?.[qi] === true).length / shown.length;
		};
		const upperRate = rate(upper);
		const lowerRate = rate(lower);
		return {
			questionId: q.id,
			prompt: q.prompt,
			attempts: answered,
			firstAttempts: askedFirst.length,
			firstAttemptsCorrect: correctFirst,
			firstAttemptCorrectRate: askedFirst.length === 0 ? null : correctFirst / askedFirst.length,
			wrongFirstAttempts: wrong.length,
			mostChosenWrongOption: top,
			discrimination: g === 0 || upperRate === null || lowerRate === null ? null : upperRate - lowerRate,
		};
	});
	return { quizId: key.id, learners: learners.length, attempts: attempts.length, groupSize: g, questions };
}
