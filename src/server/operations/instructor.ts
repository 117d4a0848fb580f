/**
 * The instructor's view of the class (administrators only): learners with progress, activity and best
 * scores; item analysis per quiz; a completion funnel per chapter and daily active learners; CSV exports.
 * The page /instructor renders the same operations.
 */
import { z } from 'astro/zod';
import { tierSchema } from '../../content/schemas.ts';
import type { PrivateManifest } from '../../content/artifact.ts';
import { toCsv } from '../../domain/csv.ts';
import { addDays, localDate } from '../../domain/dates.ts';
import { analyzeQuiz, type QuizStatistics } from '../../domain/item-analysis.ts';
import { percentComplete } from '../../domain/next-step.ts';
import { computeStreak, planFreezes } from '../../domain/streaks.ts';
import { notFound } from '../api/errors.ts';
import { tierInForce } from '../auth/current-user.ts';
import { defineOperation } from '../api/operation.ts';
import { tierDefinition } from '../learner.ts';
import {
	classOverviewCounts,
	LEARNER_SORTS,
	type LearnerQuery,
	learnerDetails,
	listLearnerRows,
	quizAttemptsForAnalysis,
} from '../repositories/instructor.ts';
import { getServices } from '../services.ts';
import { slugParam } from './shared.ts';

/** "Active" means an activity day within the last 7 days (today counted), by the server's UTC day. */
export const ACTIVE_WINDOW_DAYS = 7;
/** Days shown in the daily active learners chart. */
export const ACTIVITY_CHART_DAYS = 30;

const filterFields = {
	sort: z.enum(LEARNER_SORTS).default('name').describe('name (A→Z), progress (most complete first) or lastActive (most recent first).'),
	order: z.enum(['asc', 'desc']).optional().describe('Reverses the default direction of the sort.'),
	tier: tierSchema.optional().describe('Only learners on this tier.'),
	activity: z
		.enum(['active', 'inactive'])
		.optional()
		.describe(`active: active in the last ${ACTIVE_WINDOW_DAYS} days; inactive: not active in them (or never).`),
};

export const listQuery = z.object({
	...filterFields,
	limit: z.coerce.number().int().min(1).max(200).default(50),
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const exportQuery = z.object(filterFields);
type Filters = z.infer<typeof exportQuery>;

export const learnerSchema = z.object({
	id: z.string(),
	displayName: z.string(),
	email: z.string(),
	tier: tierSchema.describe("The account's own tier (what the tier filter matches)."),
	tierInForce: tierSchema.describe("The tier the learner has now: their own or their team's, whichever is higher."),
	percentComplete: z.number().int(),
	chaptersCompleted: z.number().int(),
	lastActiveDay: z.string().nullable().describe("The learner's last active day (YYYY-MM-DD, their time zone); null: never."),
	currentStreak: z.number().int(),
	quizzesTaken: z.number().int(),
	quizzesPassed: z.number().int(),
	averageBestPercent: z.number().int().nullable().describe('Mean of the best score of each quiz taken; null: no quiz taken.'),
	bestScores: z.record(z.string(), z.number().int()).describe('Quiz id -> best percent.'),
});
type LearnerView = z.infer<typeof learnerSchema>;

function learnerQuery(
	manifest: PrivateManifest,
	filters: Filters,
	now: Date,
	limit: number,
	offset: number,
	teamId: string | undefined,
): LearnerQuery {
	return {
		...(teamId === undefined ? {} : { teamId }),
		chapterIds: manifest.chapters.map((c) => c.id),
		sort: filters.sort,
		order: filters.order ?? (filters.sort === 'name' ? 'asc' : 'desc'),
		filter: filters.tier ? { tier: filters.tier } : {},
		activity: filters.activity,
		activeSince: addDays(localDate(now, 'UTC'), -(ACTIVE_WINDOW_DAYS - 1)),
		page: { limit, offset },
	};
}

/** One page of learners (or of one team's members): two statements whatever the page size. */
export async function learnersPage(filters: Filters, limit: number, offset: number, now: Date, scope: { teamId?: string } = {}) {
	const { db, content } = await getServices();
	const manifest = await content.manifest();
	const query = learnerQuery(manifest, filters, now, limit, offset, scope.teamId);
	const { rows, total } = await listLearnerRows(db, query);
	const details = await learnerDetails(
		db,
		rows.map((r) => r.id),
	);
	const passMarks = new Map(manifest.quizzes.map((q) => [q.id, q.passMark]));
	const learners = rows.map((row): LearnerView => {
		const today = localDate(now, row.timezone);
		const tier = tierInForce(row);
		const activeDays = details.activeDays.get(row.id) ?? [];
		const frozen = details.frozenDays.get(row.id) ?? [];
		// Freezes that fall due are counted as the learner would see them, without writing them here.
		const due = planFreezes({
			activeDays,
			frozenDays: frozen,
			today,
			freezesPerMonth: tierDefinition(manifest, tier).streakFreezesPerMonth,
		});
		const streak = computeStreak({ activeDays, frozenDays: [...frozen, ...due], today });
		const best = Object.fromEntries(Object.entries(details.best.get(row.id) ?? {}).filter(([id]) => passMarks.has(id)));
		const scores = Object.values(best);
		return {
			id: row.id,
			displayName: row.display_name,
			email: row.email,
			tier: row.tier,
			tierInForce: tier,
			percentComplete: percentComplete(manifest.chapters.length, row.completed),
			chaptersCompleted: row.completed,
			lastActiveDay: row.last_active,
			currentStreak: streak.current,
			quizzesTaken: scores.length,
			quizzesPassed: Object.entries(best).filter(([id, p]) => p >= (passMarks.get(id) ?? 101)).length,
			averageBestPercent: scores.length === 0 ? null : Math.round(scores.reduce((a, b) => a + b, 0) / scores.length),
			bestScores: best,
		};
	});
	return {
		learners,
		total,
		limit,
		offset,
		nextOffset: offset + rows.length < total ? offset + rows.length : null,
		activeSince: query.activeSince,
	};
}

export const listLearners = defineOperation({
	operationId: 'listLearners',
	method: 'GET',
	path: '/api/v1/admin/learners',
	summary: 'List learners with progress, activity and best scores (administrators only)',
	description:
		'How the class is doing: every learner with % complete, last active day, current streak and best quiz scores; sortable, filterable by tier and recent activity, paged with limit/offset.',
	tags: ['Instructor'],
	auth: 'admin',
	query: listQuery,
	response: z.object({
		learners: z.array(learnerSchema),
		total: z.number().int().describe('Learners matching the filters, over all pages.'),
		limit: z.number().int(),
		offset: z.number().int(),
		nextOffset: z.number().int().nullable().describe('The offset of the next page; null on the last page.'),
		activeSince: z.string().describe('The first day that counts as recent activity (YYYY-MM-DD).'),
	}),
	errors: [400, 401, 403],
	async handler({ query, now }) {
		return learnersPage(query, query.limit, query.offset, now);
	},
});

const quizParams = z.object({ quizId: slugParam.describe('Quiz id (see listQuizzes).') });

const statisticsSchema = z.object({
	quizId: z.string(),
	title: z.string(),
	learners: z.number().int().describe('Learners with at least one attempt.'),
	attempts: z.number().int(),
	groupSize: z.number().int().describe('Learners in each of the upper and lower 27 % groups by first-attempt score.'),
	questions: z.array(
		z.object({
			questionId: z.string(),
			prompt: z.string(),
			attempts: z.number().int().describe('Attempts (retries included) that answered the question.'),
			firstAttempts: z.number().int(),
			firstAttemptsCorrect: z.number().int(),
			firstAttemptCorrectRate: z.number().nullable().describe('0-1, on each learner’s first attempt.'),
			wrongFirstAttempts: z.number().int(),
			mostChosenWrongOption: z
				.object({
					optionId: z.string(),
					text: z.string(),
					count: z.number().int(),
					share: z.number().describe('Of wrong first answers, 0-1.'),
				})
				.nullable(),
			discrimination: z
				.number()
				.nullable()
				.describe('Share correct in the upper group minus the lower group (−1 to 1); null under two learners.'),
		}),
	),
});

export async function quizStatistics(quizId: string): Promise<QuizStatistics & { title: string }> {
	const { db, content } = await getServices();
	const key = await content.quizKey(quizId);
	if (!key) throw notFound(`Quiz "${quizId}"`);
	return { ...analyzeQuiz(key, await quizAttemptsForAnalysis(db, quizId)), title: key.title };
}

export const getQuizStatistics = defineOperation({
	operationId: 'getQuizStatistics',
	method: 'GET',
	path: '/api/v1/admin/quizzes/{quizId}/statistics',
	summary: 'Item analysis of a quiz: per question difficulty, common wrong answer, discrimination (administrators only)',
	description:
		'For each question: attempts, share correct on first attempts, the most-chosen wrong option with its share of wrong answers, and a discrimination index (upper minus lower 27 % of learners by first-attempt score).',
	tags: ['Instructor'],
	auth: 'admin',
	params: quizParams,
	response: statisticsSchema,
	errors: [400, 401, 403, 404],
	async handler({ params }) {
		return quizStatistics(params.quizId);
	},
});

export async function classOverview(now: Date) {
	const { db, content } = await getServices();
	const manifest = await content.manifest();
	const today = localDate(now, 'UTC');
	const since = addDays(today, -(ACTIVITY_CHART_DAYS - 1));
	const counts = await classOverviewCounts(db, since);
	const quizByChapter = new Map(manifest.quizzes.map((q) => [q.chapterId, q.id]));
	return {
		learners: counts.learners,
		chapters: manifest.chapters.map((c) => {
			const quizId = quizByChapter.get(c.id) ?? null;
			return {
				chapterId: c.id,
				title: c.title,
				quizId,
				read: counts.read.get(c.id) ?? 0,
				quizAttempted: quizId ? (counts.attempted.get(quizId) ?? 0) : null,
				quizPassed: quizId ? (counts.passed.get(quizId) ?? 0) : null,
			};
		}),
		activePerDay: Array.from({ length: ACTIVITY_CHART_DAYS }, (_, i) => {
			const day = addDays(since, i);
			return { day, learners: counts.activePerDay.get(day) ?? 0 };
		}),
	};
}

export const getClassOverview = defineOperation({
	operationId: 'getClassOverview',
	method: 'GET',
	path: '/api/v1/admin/overview',
	summary: 'Completion funnel per chapter and active learners per day (administrators only)',
	description: `Per chapter: learners who read it, attempted its quiz and passed it; and learners active on each of the last ${ACTIVITY_CHART_DAYS} days (their own calendar days).`,
	tags: ['Instructor'],
	auth: 'admin',
	response: z.object({
		learners: z.number().int(),
		chapters: z.array(
			z.object({
				chapterId: z.string(),
				title: z.string(),
				quizId: z.string().nullable(),
				read: z.number().int(),
				quizAttempted: z.number().int().nullable().describe('null: the chapter has no quiz.'),
				quizPassed: z.number().int().nullable(),
			}),
		),
		activePerDay: z.array(z.object({ day: z.string(), learners: z.number().int() })),
	}),
	errors: [401, 403],
	async handler({ now }) {
		return classOverview(now);
	},
});

/** Rows per statement while exporting: the export reads every learner, one page at a time. */
const EXPORT_PAGE = 500;

function csvResponse(body: string, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'private, no-store',
		},
	});
}

export async function learnersCsv(filters: Filters, now: Date): Promise<string> {
	const { content } = await getServices();
	const quizIds = (await content.manifest()).quizzes.map((q) => q.id);
	const rows: (string | number | null)[][] = [];
	for (let offset = 0; ; offset += EXPORT_PAGE) {
		const page = await learnersPage(filters, EXPORT_PAGE, offset, now);
		for (const l of page.learners) {
			rows.push([
				l.displayName,
				l.email,
				l.tier,
				l.percentComplete,
				l.chaptersCompleted,
				l.lastActiveDay,
				l.currentStreak,
				l.quizzesTaken,
				l.quizzesPassed,
				l.averageBestPercent,
				...quizIds.map((id) => l.bestScores[id] ?? null),
			]);
		}
		if (page.nextOffset === null) break;
	}
	const header = [
		'name',
		'email',
		'tier',
		'percent_complete',
		'chapters_completed',
		'last_active_day',
		'current_streak',
		'quizzes_taken',
		'quizzes_passed',
		'average_best_percent',
		...quizIds.map((id) => `best_${id}`),
	];
	return toCsv(header, rows);
}

export const exportLearners = defineOperation({
	operationId: 'exportLearners',
	method: 'GET',
	path: '/api/v1/admin/learners/export',
	summary: 'Download the learner list as CSV (administrators only)',
	description: 'The learner list with the same filters and sort as listLearners, every page, as a CSV file for a spreadsheet.',
	tags: ['Instructor'],
	auth: 'admin',
	query: exportQuery,
	mediaType: 'text/csv',
	response: z.string().describe('CSV (RFC 4180, UTF-8 with a byte-order mark), one row per learner.'),
	errors: [400, 401, 403],
	async handler({ query, now }) {
		return csvResponse(await learnersCsv(query, now), `learners-${localDate(now, 'UTC')}.csv`);
	},
});

export function quizStatisticsCsv(stats: QuizStatistics): string {
	const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
	return toCsv(
		[
			'question_id',
			'prompt',
			'attempts',
			'first_attempts',
			'first_attempt_correct_percent',
			'most_chosen_wrong_option',
			'most_chosen_wrong_option_text',
			'wrong_option_share_percent',
			'discrimination',
		],
		stats.questions.map((q) => [
			q.questionId,
			q.prompt,
			q.attempts,
			q.firstAttempts,
			pct(q.firstAttemptCorrectRate),
			q.mostChosenWrongOption?.optionId ?? null,
			q.mostChosenWrongOption?.text ?? null,
			pct(q.mostChosenWrongOption?.share ?? null),
			q.discrimination === null ? null : Math.round(q.discrimination * 1000) / 1000,
		]),
	);
}

export const exportQuizStatistics = defineOperation({
	operationId: 'exportQuizStatistics',
	method: 'GET',
	path: '/api/v1/admin/quizzes/{quizId}/statistics/export',
	summary: "Download a quiz's item analysis as CSV (administrators only)",
	description: 'The figures of getQuizStatistics, one row per question, as a CSV file for a spreadsheet.',
	tags: ['Instructor'],
	auth: 'admin',
	params: quizParams,
	mediaType: 'text/csv',
	response: z.string().describe('CSV (RFC 4180, UTF-8 with a byte-order mark), one row per question.'),
	errors: [400, 401, 403, 404],
	async handler({ params, now }) {
		const stats = await quizStatistics(params.quizId);
		return csvResponse(quizStatisticsCsv(stats), `item-analysis-${params.quizId}-${localDate(now, 'UTC')}.csv`);
	},
});
