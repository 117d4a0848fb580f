/**
 * Quiz grading. Pure and deterministic: the same key and answers always give the same
 * result, so the API can grade server-side and the answer key never reaches the browser.
 */

import type { RevealPolicy } from './reveal.ts';

export type QuestionType = 'single' | 'multiple' | 'true_false';

export interface QuizOption {
	id: string;
	text: string;
}

/** A question with its answer key. true_false questions have options [{id:'true',text:'True'},{id:'false',text:'False'}]. */
export interface KeyedQuestion {
	id: string;
	type: QuestionType;
	prompt: string;
	options: QuizOption[];
	correct: string[];
	explanation: string;
	/** Option id -> feedback shown when the learner picked that option. */
	feedback: Record<string, string>;
	/** The section of the quiz's chapter that teaches this question (named by the author or picked at build). */
	teaches?: { anchor: string; heading: string };
}

export interface QuizKey {
	id: string;
	chapterId: string;
	title: string;
	/** Percent (0-100) needed to pass. */
	passMark: number;
	/** When results show the correct answers (domain/reveal.ts); unset: after a pass or the day's last attempt. */
	reveal?: RevealPolicy;
	questions: KeyedQuestion[];
}

/** Question id -> selected option ids. */
export type Answers = Record<string, string[]>;

export type AnswerProblemCode = 'unknown_question' | 'missing_answer' | 'unknown_option' | 'too_many_options' | 'duplicate_option';

export interface AnswerProblem {
	questionId: string;
	code: AnswerProblemCode;
	message: string;
	optionId?: string;
}

export interface GradedQuestion {
	id: string;
	correct: boolean;
	/** The learner's selection, in the question's option order. */
	selected: string[];
	/** The correct option ids, in the question's option order. */
	correctOptions: string[];
	explanation: string;
	/** Feedback only for selected options that have some, keyed by option id. */
	feedback: Record<string, string>;
}

export interface GradedQuiz {
	ok: true;
	score: number;
	total: number;
	percent: number;
	passed: boolean;
	questions: GradedQuestion[];
}

export interface RejectedAnswers {
	ok: false;
	problems: AnswerProblem[];
}

export type GradeResult = GradedQuiz | RejectedAnswers;

/** Questions that accept exactly one option. */
function isSingleChoice(type: QuestionType): boolean {
	return type === 'single' || type === 'true_false';
}

/** Orders ids like the question lists its options, so results do not depend on click order. */
function inOptionOrder(question: KeyedQuestion, ids: Iterable<string>): string[] {
	const wanted = new Set(ids);
	return question.options.map((o) => o.id).filter((id) => wanted.has(id));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
	if (a.size !== b.size) return false;
	for (const x of a) if (!b.has(x)) return false;
	return true;
}

/**
 * Problems with the answer to one question. `raw` is typed loosely on purpose: answers arrive
 * as JSON, and a malformed value must become a problem report rather than an exception.
 */
function checkAnswer(question: KeyedQuestion, raw: unknown): AnswerProblem[] {
	const q = question.id;
	if (!Array.isArray(raw) || raw.length === 0) {
		const detail = Array.isArray(raw) ? 'was answered with no options selected' : 'was not answered';
		return [
			{
				questionId: q,
				code: 'missing_answer',
				message: `Question "${q}" ${detail}; select ${isSingleChoice(question.type) ? 'one option' : 'at least one option'}.`,
			},
		];
	}

	const problems: AnswerProblem[] = [];
	const known = new Set(question.options.map((o) => o.id));
	const seen = new Set<string>();
	const reportedDuplicate = new Set<string>();
	const reportedUnknown = new Set<string>();
	for (const value of raw as unknown[]) {
		const optionId = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
		if (seen.has(optionId)) {
			if (!reportedDuplicate.has(optionId)) {
				reportedDuplicate.add(optionId);
				problems.push({
					questionId: q,
					code: 'duplicate_option',
					optionId,
					message: `Question "${q}" selects option "${optionId}" more than once.`,
				});
			}
			continue;
		}
		seen.add(optionId);
		if (typeof value !== 'string' || !known.has(optionId)) {
			if (!reportedUnknown.has(optionId)) {
				reportedUnknown.add(optionId);
				problems.push({
					questionId: q,
					code: 'unknown_option',
					optionId,
					message: `Question "${q}" has no option "${optionId}"; valid options are ${[...known].map((id) => `"${id}"`).join(', ')}.`,
				});
			}
		}
	}
	// Counted on distinct ids so ['a', 'a'] is reported once, as a duplicate.
	if (isSingleChoice(question.type) && seen.size > 1) {
		problems.push({
			questionId: q,
			code: 'too_many_options',
			message: `Question "${q}" accepts exactly one option but ${seen.size} were selected (${[...seen].map((id) => `"${id}"`).join(', ')}).`,
		});
	}
	return problems;
}

/**
 * Validates then grades a submission. Every problem is collected (not just the first) so a
 * client can fix a submission in one round trip; nothing is scored unless all answers are valid.
 * Problems are listed per question in quiz order, then unknown question ids in submission order.
 *
 * Scoring: one point per question; a question is correct only when the selected set equals
 * the correct set exactly (order-insensitive, no partial credit for `multiple`).
 * percent = Math.round(100 * score / total) (0 for an empty quiz); passed = percent >= passMark.
 */
export function gradeQuiz(key: QuizKey, answers: Answers): GradeResult {
	const problems: AnswerProblem[] = [];
	const questionIds = new Set(key.questions.map((q) => q.id));
	const submitted = (answers ?? {}) as Record<string, unknown>;

	for (const question of key.questions) {
		// Object.hasOwn keeps ids such as "constructor" from matching Object.prototype members.
		const raw = Object.hasOwn(submitted, question.id) ? submitted[question.id] : undefined;
		problems.push(...checkAnswer(question, raw));
	}
	for (const id of Object.keys(submitted)) {
		if (!questionIds.has(id)) {
			problems.push({
				questionId: id,
				code: 'unknown_question',
				message: `Quiz "${key.id}" has no question "${id}".`,
			});
		}
	}
	if (problems.length > 0) return { ok: false, problems };

	const questions = key.questions.map((question): GradedQuestion => {
		const picked = new Set(submitted[question.id] as string[]);
		const correct = sameSet(picked, new Set(question.correct));
		const selected = inOptionOrder(question, picked);
		const feedback: Record<string, string> = {};
		for (const id of selected) {
			if (Object.hasOwn(question.feedback, id)) {
				const text = question.feedback[id];
				if (text !== undefined && text !== '') feedback[id] = text;
			}
		}
		return {
			id: question.id,
			correct,
			selected,
			correctOptions: inOptionOrder(question, question.correct),
			explanation: question.explanation,
			feedback,
		};
	});

	const score = questions.filter((q) => q.correct).length;
	const total = questions.length;
	const percent = total === 0 ? 0 : Math.round((100 * score) / total);
	return { ok: true, score, total, percent, passed: percent >= key.passMark, questions };
}
