/** The learner's own progress and streak: identity from the session, never from the request. */
import { z } from 'astro/zod';
import { tierSchema } from '../../content/schemas.ts';
import { notFound } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { checkInAndStreak, completeChapterAndProgress, progressFor, streakFor } from '../learner.ts';
import { getServices } from '../services.ts';
import { assertCanRead, isoDateTime, localDay, slugParam } from './shared.ts';

const nextStepSchema = z
	.object({
		kind: z.enum(['review', 'start', 'continue', 'take_quiz', 'retake_quiz', 'done']),
		chapterId: z.string().nullable(),
		title: z.string().nullable(),
		message: z.string(),
	})
	.meta({ id: 'NextStep' });

export const progressSchema = z
	.object({
		percentComplete: z.number().int(),
		currentChapter: z.string().nullable(),
		completedChapters: z.array(z.object({ chapterId: z.string(), completedAt: isoDateTime })),
		bestScores: z.record(z.string(), z.number().int()).describe('Best quiz percent by quiz id.'),
		lastActivityDay: localDay.nullable(),
		reviewsDue: z.number().int().describe('Missed quiz questions due for review today (getReviewQueue lists them).'),
		nextStep: nextStepSchema,
		chapters: z.array(
			z.object({
				chapterId: z.string(),
				title: z.string(),
				position: z.number().int().describe('Reading position, from 1: the chapter number learners see.'),
				order: z.number().int(),
				tier: tierSchema,
				state: z.enum(['not_started', 'read', 'quiz_passed']),
				completedAt: isoDateTime.nullable(),
				bestPercent: z.number().int().nullable(),
				passMark: z.number().int().nullable(),
			}),
		),
	})
	.meta({ id: 'Progress' });

export const streakSchema = z
	.object({
		current: z.number().int().describe('Consecutive active days up to today (or yesterday if today is not done yet).'),
		longest: z.number().int(),
		lastActiveDay: localDay.nullable(),
		todayDone: z.boolean(),
		today: localDay,
		timezone: z.string(),
		freezesLeft: z.number().int().describe('Streak freezes left this month; each covers one missed day automatically.'),
		freezesPerMonth: z.number().int(),
		frozenDays: z.array(localDay),
		dayEndsAt: isoDateTime,
	})
	.meta({ id: 'Streak' });

export const getProgress = defineOperation({
	operationId: 'getProgress',
	method: 'GET',
	path: '/api/v1/me/progress',
	summary: "The learner's progress and the next step to take",
	description:
		'Completed chapters, percent complete, best quiz scores, last activity, review questions due and a deterministic next step (review, continue a chapter, retake a quiz under its pass mark, or done). Use it to motivate with real progress.',
	tags: ['Progress'],
	auth: 'learner',
	response: progressSchema,
	errors: [401],
	async handler({ user, now }) {
		const { content, db } = await getServices();
		return progressFor(db, await content.manifest(), user, now);
	},
});

export const updateProgress = defineOperation({
	operationId: 'updateProgress',
	method: 'POST',
	path: '/api/v1/me/progress',
	summary: 'Mark a chapter as completed by the learner',
	description:
		'Records that the learner finished reading a chapter (idempotent: marking twice changes nothing) and counts as activity for the streak. Returns the updated progress.',
	tags: ['Progress'],
	auth: 'learner',
	consequential: false,
	body: z.object({
		chapterId: slugParam.describe('The chapter the learner completed, e.g. "getting-started".'),
		status: z.literal('completed').default('completed').describe('Only "completed" is supported.'),
	}),
	response: progressSchema.extend({ changed: z.boolean().describe('false when the chapter was already completed.') }),
	errors: [400, 401, 403, 404],
	async handler({ body, user, now }) {
		const { content, db } = await getServices();
		const manifest = await content.manifest();
		const chapter = manifest.chapters.find((c) => c.id === body.chapterId);
		if (!chapter) throw notFound(`Chapter "${body.chapterId}"`);
		// Only what the learner may read can be completed: a free account cannot tick off premium chapters.
		assertCanRead(manifest, user, chapter.tier, `Chapter "${chapter.title}"`);
		const { progress, created } = await completeChapterAndProgress(db, manifest, user, body.chapterId, now);
		return { ...progress, changed: created };
	},
});

export const getStreak = defineOperation({
	operationId: 'getStreak',
	method: 'GET',
	path: '/api/v1/me/streak',
	summary: "The learner's daily streak",
	description: "Current and longest streak in the learner's time zone, whether today is done, and streak freezes left this month.",
	tags: ['Progress'],
	auth: 'learner',
	response: streakSchema,
	errors: [401],
	async handler({ user, now }) {
		const { content, db } = await getServices();
		return streakFor(db, await content.manifest(), user, now);
	},
});

export const recordCheckin = defineOperation({
	operationId: 'recordCheckin',
	method: 'POST',
	path: '/api/v1/me/streak/checkins',
	summary: "Record today's study check-in for the streak",
	description:
		"Marks today (in the learner's time zone) as active. Idempotent: a second check-in the same day changes nothing. Completing a chapter or submitting a quiz also counts.",
	tags: ['Progress'],
	auth: 'learner',
	consequential: false,
	response: streakSchema.extend({ recorded: z.boolean().describe('false when today was already counted.') }),
	errors: [401],
	async handler({ user, now }) {
		const { content, db } = await getServices();
		const { streak, created } = await checkInAndStreak(db, await content.manifest(), user, now, 'checkin');
		return { ...streak, recorded: created };
	},
});
