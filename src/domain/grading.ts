/**
 * Quiz grading. Pure and deterministic: the same key and answers always give the same
 * result, so the API can grade server-side and the answer key never reaches the browser.
 */

import type { RevealPolicy } from './reveal.ts';

export const QUESTION_TYPES = ['single', 'multiple', 'true_false', 'short', 'numeric'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/**
 * How a `multiple` question scores: `all_or_nothing` (one point only for exactly the right set) or `partial`
 * (Moodle's rule: each right pick adds 1/right options, each wrong pick takes away 1/wrong options, never below 0).
 */
export const MULTIPLE_SCORING = ['all_or_nothing', 'partial'] as const;
export type MultipleScoring = (typeof MULTIPLE_SCORING)[number];

export interface QuizOption {
	id: string;
	text: string;
}

/**
 * A question with its answer key. true_false questions have options [{id:'true',text:'True'},{id:'false',text:'False'}];
 * short and numeric questions have no options and no `correct` ids: `accept`, or `answer` and `tolerance`.
 */
export interface KeyedQuestion {
	id: string;
	type: QuestionType;
	prompt: string;
	options: QuizOption[];
	correct: string[];
	/** Options are shown in a per-attempt order (domain/quiz-draw.ts). */
	shuffle?: boolean;
	/** short: the accepted answers, compared by `normalizeShortAnswer`. */
	accept?: string[];
	/** numeric: the right value and how far from it an answer may be (absolute). */
	answer?: number;
	tolerance?: number;
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
	/** Questions asked per attempt, drawn by the attempt's seed; unset: every question. */
	draw?: number;
	/** How `multiple` questions score; unset: all_or_nothing. */
	multipleScoring?: MultipleScoring;
	questions: KeyedQuestion[];
}

/** Question id -> selected option ids; for short and numeric questions, the one answer written. */
export type Answers = Record<string, string[]>;

export type AnswerProblemCode =
	| 'unknown_question'
	| 'missing_answer'
	| 'unknown_option'
	| 'too_many_options'
	| 'duplicate_option'
	| 'not_a_number'
	| 'ambiguous_number';

export interface AnswerProblem {
	questionId: string;
	code: AnswerProblemCode;
	message: string;
	optionId?: string;
}

export interface GradedQuestion {
	id: string;
	/** Full credit. */
	correct: boolean;
	/** 0–1: 1 when correct; between for a partly right `multiple` question under partial scoring. */
	credit: number;
	/** The learner's selection, in the question's option order; for short and numeric questions, what they wrote. */
	selected: string[];
	/** The correct option ids, in the question's option order; empty for short and numeric questions. */
	correctOptions: string[];
	/** short and numeric: the right answer as a learner reads it ("rye", "3.5 (± 0.1)"). */
	correctAnswer?: string;
	explanation: string;
	/** Feedback only for selected options that have some, keyed by option id. */
	feedback: Record<string, string>;
}

export interface GradedQuiz {
	ok: true;
	/** Sum of the questions' credit, rounded to two decimals. */
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

/** The feedback key of a short or numeric question: shown when the answer earned no credit. */
export const WRITTEN_FEEDBACK = 'answer';

/** Questions that accept exactly one option. */
function isSingleChoice(type: QuestionType): boolean {
	return type === 'single' || type === 'true_false';
}

/** Questions answered with written text rather than options. */
export function isWritten(type: QuestionType): boolean {
	return type === 'short' || type === 'numeric';
}

/**
 * What a short answer is compared as: Unicode NFKC (full-width letters, ligatures and composed accents fold to
 * one form), lower case, and only letters, marks and digits kept — case, spaces and punctuation never matter.
 * Accents do ("año" is not "ano"): an author who wants both lists both.
 */
export function normalizeShortAnswer(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}]+/gu, '');
}

export type ParsedNumber = { ok: true; value: number } | { ok: false; code: 'not_a_number' | 'ambiguous_number' };

/**
 * A learner's number: digits with an optional sign, one decimal point or decimal comma ("3.5", "3,5", ",5"),
 * optional exponent ("1e-3"); spaces around it ignored; no thousands separators. "1,000" (a comma before exactly
 * three digits after 1–3 leading digits) could be either, so it is refused as ambiguous rather than guessed.
 */
export function parseLearnerNumber(text: string): ParsedNumber {
	const t = text
		.normalize('NFKC')
		.trim()
		.replace(/^\u2212/, '-');
	if (/^[+-]?[1-9]\d{0,2},\d{3}$/.test(t)) return { ok: false, code: 'ambiguous_number' };
	if (!/^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?$/i.test(t)) return { ok: false, code: 'not_a_number' };
	const value = Number(t.replace(',', '.'));
	return Number.isFinite(value) ? { ok: true, value } : { ok: false, code: 'not_a_number' };
}

/** Within tolerance, allowing for binary floating point (3.4 is within 0.1 of 3.5). */
export function withinTolerance(value: number, answer: number, tolerance: number): boolean {
	const slack = 1e-9 * Math.max(1, Math.abs(answer), Math.abs(tolerance));
	return Math.abs(value - answer) <= tolerance + slack;
}

/** The right answer to a short or numeric question, as a learner reads it. */
export function writtenAnswer(question: KeyedQuestion): string | undefined {
	if (question.type === 'short') return question.accept?.[0];
	if (question.type === 'numeric' && question.answer !== undefined) {
		return question.tolerance ? `${question.answer} (± ${question.tolerance})` : String(question.answer);
	}
	return undefined;
}

/**
 * Credit for one question, 0–1, from an answer that `checkAnswer` accepted. `multiple` under `partial`: right
 * picks / right options − wrong picks / wrong options, at least 0 (selecting everything scores 0).
 */
export function questionCredit(question: KeyedQuestion, picked: readonly string[], scoring: MultipleScoring = 'all_or_nothing'): number {
	if (question.type === 'short') {
		const given = normalizeShortAnswer(picked[0] ?? '');
		return given !== '' && (question.accept ?? []).some((a) => normalizeShortAnswer(a) === given) ? 1 : 0;
	}
	if (question.type === 'numeric') {
		const parsed = parseLearnerNumber(picked[0] ?? '');
		return parsed.ok && question.answer !== undefined && withinTolerance(parsed.value, question.answer, question.tolerance ?? 0) ? 1 : 0;
	}
	const set = new Set(picked);
	const right = new Set(question.correct);
	if (sameSet(set, right)) return 1;
	if (question.type !== 'multiple' || scoring !== 'partial') return 0;
	const wrongOptions = question.options.length - right.size;
	let rightPicks = 0;
	let wrongPicks = 0;
	for (const id of set) {
		if (right.has(id)) rightPicks++;
		else wrongPicks++;
	}
	const credit = rightPicks / right.size - (wrongOptions === 0 ? 0 : wrongPicks / wrongOptions);
	return Math.max(0, Math.min(1, credit));
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

/** Problems with a written (short or numeric) answer: exactly one non-blank text; a number for numeric. */
function checkWritten(question: KeyedQuestion, raw: unknown): AnswerProblem[] {
	const q = question.id;
	const texts = Array.isArray(raw) ? raw.filter((v) => !(typeof v === 'string' && v.trim() === '')) : [];
	const what = question.type === 'numeric' ? 'a number' : 'an answer';
	if (texts.length === 0) {
		return [{ questionId: q, code: 'missing_answer', message: `Question "${q}" was not answered; write ${what}.` }];
	}
	if (texts.length > 1) {
		return [{ questionId: q, code: 'too_many_options', message: `Question "${q}" takes one answer but ${texts.length} were given.` }];
	}
	const text = texts[0];
	if (typeof text !== 'string') {
		return [{ questionId: q, code: 'missing_answer', message: `Question "${q}" needs ${what} written as text.` }];
	}
	if (question.type === 'numeric') {
		const parsed = parseLearnerNumber(text);
		if (!parsed.ok && parsed.code === 'ambiguous_number') {
			const digits = text.trim().replace(',', '');
			return [
				{
					questionId: q,
					code: 'ambiguous_number',
					message: `Question "${q}": "${text.trim()}" could mean ${digits} or ${text.trim().replace(',', '.')}; write ${digits} (no thousands separator) or use a decimal point.`,
				},
			];
		}
		if (!parsed.ok) {
			return [
				{
					questionId: q,
					code: 'not_a_number',
					message: `Question "${q}" needs a number, such as 3.5 or 3,5; "${text.trim().slice(0, 40)}" is not one.`,
				},
			];
		}
	}
	return [];
}

/**
 * Problems with the answer to one question. `raw` is typed loosely on purpose: answers arrive
 * as JSON, and a malformed value must become a problem report rather than an exception.
 */
function checkAnswer(question: KeyedQuestion, raw: unknown): AnswerProblem[] {
	const q = question.id;
	if (isWritten(question.type)) return checkWritten(question, raw);
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

/** Rounded to two decimals, so 1/3 + 1/3 + 1/3 reads 1, not 0.9999999999999999. */
function roundScore(score: number): number {
	return Math.round(score * 100) / 100;
}

/**
 * Validates then grades a submission. Every problem is collected (not just the first) so a
 * client can fix a submission in one round trip; nothing is scored unless all answers are valid.
 * Problems are listed per question in quiz order, then unknown question ids in submission order.
 *
 * `key.questions` are the questions this attempt asks (domain/quiz-draw.ts `attemptQuestions` for a pooled
 * quiz): an answer to any other question is an unknown question. Scoring: each question is worth one point,
 * earned as its credit (`questionCredit`): exact sets for single, true_false and all-or-nothing multiple;
 * normalised text for short; tolerance for numeric; Moodle's partial rule for multiple under `partial`.
 * score = sum of credit (two decimals); percent = Math.round(100 * sum / total) (0 for an empty quiz);
 * passed = percent >= passMark.
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
				message: key.draw === undefined ? `Quiz "${key.id}" has no question "${id}".` : `Question "${id}" is not part of this attempt.`,
			});
		}
	}
	if (problems.length > 0) return { ok: false, problems };

	let sum = 0;
	const questions = key.questions.map((question): GradedQuestion => {
		const given = submitted[question.id] as string[];
		const written = isWritten(question.type);
		const picked = written ? given.filter((v) => v.trim() !== '').map((v) => v.trim()) : given;
		const credit = questionCredit(question, picked, key.multipleScoring);
		sum += credit;
		const selected = written ? picked : inOptionOrder(question, picked);
		const feedback: Record<string, string> = {};
		for (const id of written ? (credit < 1 ? [WRITTEN_FEEDBACK] : []) : selected) {
			if (Object.hasOwn(question.feedback, id)) {
				const text = question.feedback[id];
				if (text !== undefined && text !== '') feedback[id] = text;
			}
		}
		const correctAnswer = writtenAnswer(question);
		return {
			id: question.id,
			correct: credit === 1,
			credit: roundScore(credit),
			selected,
			correctOptions: inOptionOrder(question, question.correct),
			...(correctAnswer !== undefined ? { correctAnswer } : {}),
			explanation: question.explanation,
			feedback,
		};
	});

	const total = questions.length;
	const percent = total === 0 ? 0 : Math.round((100 * sum) / total);
	return { ok: true, score: roundScore(sum), total, percent, passed: percent >= key.passMark, questions };
}

/**
 * A grading message as the quiz page says it: `Question "hydration"` becomes `Question 3`, by the question's
 * place on the page (the API keeps ids, which ChatGPT needs to resend an answer).
 */
export function numberedForLearner(message: string, shownIds: readonly string[]): string {
	return message.replace(/Question "([^"]+)"/g, (_whole, id: string) => {
		const at = shownIds.indexOf(id);
		return at === -1 ? 'A question' : `Question ${at + 1}`;
	});
}
