/** Submitting quizzes (graded against the private answer key) and reading one's own results. */
import { z } from 'astro/zod';
import { quizPublic } from '../../content/emit.ts';
import { publicQuestionSchema } from '../../content/schemas.ts';
import { localDate } from '../../domain/dates.ts';
import { notFound } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { tierDefinition } from '../learner.ts';
import { listAttempts } from '../repositories/quizzes.ts';
import { startAttempt, submitAttempt } from '../quiz-attempts.ts';
import { getServices } from '../services.ts';
import { isoDateTime, quizIdParams } from './shared.ts';

export const answersSchema = z
	.record(
		z.string().max(100),
		z.union([z.array(z.string().max(200)).max(50), z.string().max(200), z.number()]).transform((v) => (Array.isArray(v) ? v : [String(v)])),
	)
	.refine((a) => Object.keys(a).length <= 200, 'at most 200 answers')
	.describe(
		'Answers keyed by question id. single, multiple, true_false: the selected option ids, e.g. {"who-executes": ["structured-request"], "parts": ["name", "description"], "tools-safe": ["false"]} (true_false options are "true" and "false"). short: the text the learner wrote, e.g. {"rye-name": "whole rye"}. numeric: the number as written, e.g. {"hydration": "72.5"} or {"hydration": 72.5} (a decimal comma "72,5" is read as a decimal point; no thousands separators). Answer exactly the questions of this attempt (startQuiz).',
	);

const gradedQuestionSchema = z.object({
	id: z.string(),
	correct: z.boolean().describe('Full credit.'),
	credit: z.number().min(0).max(1).describe('0 to 1: between for a partly right multiple question under partial scoring.'),
	selected: z.array(z.string()).describe('The option ids picked; for short and numeric questions, the answer written.'),
	correctOptions: z
		.array(z.string())
		.optional()
		.describe('The correct option ids (empty for short and numeric): only when revealed is true.'),
	correctAnswer: z.string().optional().describe('short and numeric: the right answer as text: only when revealed is true.'),
	explanation: z.string().optional().describe('Why the answer is right: only when revealed is true.'),
	feedback: z.record(z.string(), z.string()).describe('Feedback for the options the learner picked, where the author wrote some.'),
	teaches: z
		.object({ heading: z.string(), url: z.string() })
		.optional()
		.describe('The section of the chapter that teaches this question: send a learner who got it wrong there.'),
});

export const attemptResultSchema = z
	.object({
		attemptId: z.number().int(),
		quizId: z.string(),
		score: z.number().describe('Points earned: one per question, partial credit counted (two decimals).'),
		total: z.number().int().describe('Questions asked in this attempt.'),
		percent: z.number().int(),
		passed: z.boolean(),
		passMark: z.number().int(),
		revealed: z
			.boolean()
			.describe(
				'Whether correct answers and explanations are shown: after a pass or the day’s last attempt, unless the quiz says otherwise.',
			),
		questions: z.array(gradedQuestionSchema),
		attemptsLeftToday: z.number().int().nullable().describe('null when unlimited.'),
		createdAt: isoDateTime,
	})
	.meta({ id: 'QuizAttemptResult' });

export const startQuiz = defineOperation({
	operationId: 'startQuiz',
	method: 'POST',
	path: '/api/v1/me/quizzes/{id}/start',
	summary: "Start a quiz: the questions of the learner's next attempt, in the order to ask them",
	description:
		'Returns the questions this attempt asks (a pooled quiz asks some of its questions; options may be in a new order each attempt). Calling again before submitting gives the same questions. Ask these, then submitQuiz with their option ids.',
	tags: ['Quizzes'],
	auth: 'learner',
	consequential: false,
	params: quizIdParams,
	response: z
		.object({
			quizId: z.string(),
			title: z.string(),
			passMark: z.number().int(),
			questionCount: z.number().int().describe('Questions in this attempt.'),
			poolSize: z.number().int().describe('Questions in the quiz; larger than questionCount for a pooled quiz.'),
			questions: z.array(publicQuestionSchema),
		})
		.meta({ id: 'QuizAttemptStart' }),
	errors: [401, 403, 404],
	async handler({ params, user }) {
		const { summary, key, questions } = await startAttempt(user, params.id);
		const shown = quizPublic(key, summary.tier, questions);
		return {
			quizId: key.id,
			title: key.title,
			passMark: key.passMark,
			questionCount: questions.length,
			poolSize: key.questions.length,
			questions: shown.questions,
		};
	},
});

export const submitQuiz = defineOperation({
	operationId: 'submitQuiz',
	method: 'POST',
	path: '/api/v1/me/quizzes/{id}/attempts',
	summary: "Submit the learner's answers to a quiz and get it graded",
	description:
		'Grades against the answer key: score, percent, passed, per question whether it was right and the section that teaches it; the correct answers and explanations only when revealed. Call after every question of the attempt (startQuiz) is answered.',
	tags: ['Quizzes'],
	auth: 'learner',
	consequential: false,
	params: quizIdParams,
	body: z.object({ answers: answersSchema }),
	response: attemptResultSchema,
	status: 201,
	errors: [400, 401, 403, 404, 409, 429],
	async handler({ params, body, user, now }) {
		const { key: _key, layout: _layout, ...result } = await submitAttempt(user, params.id, body.answers, now);
		return result;
	},
});

export const quizResultsSchema = z.object({
	quizId: z.string(),
	passMark: z.number().int(),
	bestPercent: z.number().int().nullable(),
	passed: z.boolean(),
	attemptsToday: z.number().int(),
	attemptsPerDay: z.number().int().nullable().describe("Attempts a day at this quiz on the learner's tier; null: no limit."),
	attemptsLeftToday: z.number().int().nullable(),
	attempts: z.array(
		z.object({
			attemptId: z.number().int(),
			score: z.number(),
			total: z.number().int(),
			percent: z.number().int(),
			passed: z.boolean(),
			localDate: z.string(),
			createdAt: isoDateTime,
		}),
	),
});

export const getQuizResults = defineOperation({
	operationId: 'getQuizResults',
	method: 'GET',
	path: '/api/v1/me/quizzes/{id}/attempts',
	summary: "The learner's attempts at a quiz, best score and whether they passed",
	description:
		"Lists the learner's own attempts (newest first) with score and percent, the best percent, whether the pass mark was reached, the daily attempt limit and attempts left today.",
	tags: ['Quizzes'],
	auth: 'learner',
	params: quizIdParams,
	response: quizResultsSchema,
	errors: [401, 404],
	async handler({ params, user, now }) {
		const { content, db } = await getServices();
		const manifest = await content.manifest();
		const summary = manifest.quizzes.find((q) => q.id === params.id);
		if (!summary) throw notFound(`Quiz "${params.id}"`);
		const attempts = await listAttempts(db, user.id, summary.id);
		const best = attempts.reduce<number | null>((m, a) => (m === null || a.percent > m ? a.percent : m), null);
		const today = localDate(now, user.timezone);
		const attemptsToday = attempts.filter((a) => a.local_date === today).length;
		const limit = tierDefinition(manifest, user.tier).quizAttemptsPerDay;
		return {
			quizId: summary.id,
			passMark: summary.passMark,
			bestPercent: best,
			passed: best !== null && best >= summary.passMark,
			attemptsToday,
			attemptsPerDay: limit,
			attemptsLeftToday: limit === null ? null : Math.max(0, limit - attemptsToday),
			attempts: attempts.map((a) => ({
				attemptId: a.id,
				score: a.score,
				total: a.total,
				percent: a.percent,
				passed: a.passed,
				localDate: a.local_date,
				createdAt: a.created_at.toISOString(),
			})),
		};
	},
});
