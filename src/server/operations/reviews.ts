/** The learner's review queue (spaced repetition over missed quiz questions; domain/review-queue.ts). */
import { z } from 'astro/zod';
import { defineOperation } from '../api/operation.ts';
import { reviewQueueFor, submitReviewAnswer } from '../reviews.ts';
import { answersSchema } from './quizzes.ts';
import { localDay, slugParam } from './shared.ts';

const questionSchema = z.object({
	id: z.string(),
	type: z.string().describe('single, multiple (pick all that apply) or true_false (options "true" and "false").'),
	prompt: z.string(),
	options: z.array(z.object({ id: z.string(), text: z.string() })),
});

export const reviewQueueSchema = z
	.object({
		today: localDay,
		timezone: z.string(),
		dueCount: z.number().int().describe('Questions due today (all of them, even beyond limit).'),
		nextDueDay: localDay.nullable().describe('When the next question not due yet falls due; null when none waits.'),
		waitingCount: z.number().int().describe('Questions in the queue that are not due yet.'),
		cards: z.array(
			z.object({
				quizId: z.string(),
				questionId: z.string(),
				quizTitle: z.string(),
				chapterId: z.string(),
				chapterTitle: z.string(),
				box: z.number().int().describe('Leitner box 1-5: 1 was missed last; each right review moves it up.'),
				dueDay: localDay,
				question: questionSchema,
			}),
		),
	})
	.meta({ id: 'ReviewQueue' });

export const getReviewQueue = defineOperation({
	operationId: 'getReviewQueue',
	method: 'GET',
	path: '/api/v1/me/reviews',
	summary: "The quiz questions due for review today in the learner's spaced-repetition queue",
	description:
		'Questions the learner missed come back after 1, 3, 7, 14 and 30 days. Returns the due ones, most overdue first, with prompt and options (never the answer). Ask each, then call submitReview.',
	tags: ['Reviews'],
	auth: 'learner',
	query: z.object({
		limit: z.coerce.number().int().min(1).max(50).default(20).describe('Maximum due questions to return (1-50, default 20).'),
	}),
	response: reviewQueueSchema,
	errors: [400, 401],
	async handler({ query, user, now }) {
		return reviewQueueFor(user, now, query.limit);
	},
});

export const submitReview = defineOperation({
	operationId: 'submitReview',
	method: 'POST',
	path: '/api/v1/me/reviews',
	summary: "Grade the learner's answer to one due review question and reschedule it",
	description:
		'Right moves the question up a box (due again in 3, 7, 14 or 30 days; right in the last box retires it); wrong brings it back tomorrow. Counts today for the streak. Only due questions: 409 otherwise.',
	tags: ['Reviews'],
	auth: 'learner',
	consequential: false,
	body: z.object({
		quizId: slugParam.describe('The quiz the question belongs to (from getReviewQueue).'),
		questionId: z.string().min(1).max(100).describe('The question id (from getReviewQueue).'),
		answer: answersSchema.valueType.describe(
			'The selected option ids, e.g. ["structured-request"]; true_false ids are "true" and "false". short and numeric: the text written, e.g. "whole rye" or "72.5".',
		),
	}),
	response: z
		.object({
			quizId: z.string(),
			questionId: z.string(),
			correct: z.boolean(),
			credit: z.number().min(0).max(1).describe('0 to 1: a multiple question under partial scoring can be partly right.'),
			selected: z.array(z.string()),
			feedback: z.record(z.string(), z.string()).describe('Feedback for the options the learner picked, where the author wrote some.'),
			revealed: z
				.boolean()
				.describe(
					"Whether correctOptions and explanation are given: when the answer is right, or the quiz's reveal policy allows (e.g. after a pass).",
				),
			correctOptions: z.array(z.string()).optional().describe('The correct option ids (empty for short and numeric questions).'),
			correctAnswer: z.string().optional().describe('short and numeric: the right answer as text.'),
			explanation: z.string().optional(),
			teaches: z.object({ heading: z.string(), url: z.string() }).optional().describe('The section that teaches the question.'),
			box: z.number().int(),
			dueDay: localDay.nullable().describe('When the question comes back; null when it left the queue (retired).'),
			retired: z.boolean(),
			message: z.string().describe('One sentence for the learner: right or not, and when the question comes back.'),
			remainingToday: z.number().int().describe('Questions still due today.'),
			streak: z.object({ current: z.number().int(), todayDone: z.boolean() }),
		})
		.meta({ id: 'ReviewResult' }),
	errors: [400, 401, 403, 404, 409],
	async handler({ body, user, now }) {
		const { question: _question, ...result } = await submitReviewAnswer(user, body.quizId, body.questionId, body.answer, now);
		return result;
	},
});
