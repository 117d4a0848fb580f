/**
 * Course content. The first six operations are the prerendered static JSON (served from the CDN,
 * documented here); the rest read the private artifact after a tier check.
 */
import { z } from 'astro/zod';
import {
	chapterListPageSchema,
	chapterPublicSchema,
	chapterSummarySchema,
	coursePublicSchema,
	quizListPageSchema,
	quizPublicSchema,
	sectionSchema,
	tierSchema,
} from '../../content/schemas.ts';
import { quizPublic } from '../../content/emit.ts';
import { CONTENT_PAGE_CHARS, pageSections } from '../../content/paging.ts';
import { checkAccess } from '../../domain/access.ts';
import { ApiError, notFound } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { getServices } from '../services.ts';
import { assertCanRead, chapterIdParams, quizIdParams, slugParam, upgradeOffer, upgradeOfferSchema } from './shared.ts';

const neighbourSchema = z.object({ from: z.string().nullable(), chapter: chapterSummarySchema.nullable() });

export const getCourse = defineOperation({
	operationId: 'getCourse',
	method: 'GET',
	path: '/api/v1/course.json',
	summary: 'Course overview: title, audience, tiers and prices',
	description: 'Call first to learn what the course covers, who it is for, how many chapters are free and what each paid tier includes.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	response: coursePublicSchema,
});

export const listChapters = defineOperation({
	operationId: 'listChapters',
	method: 'GET',
	path: '/api/v1/chapters.json',
	summary: 'List the chapters in reading order (first page)',
	description:
		'Chapters with id, title, order, difficulty, minutes, summary and tier (free or premium). A long course is paged: when next is not null, call listChaptersPage with the following page number. Use the ids with getChapter.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	response: chapterListPageSchema,
});

const listPageParams = z.object({
	page: z
		.string()
		.regex(/^[1-9][0-9]{0,4}$/, 'a page number: 1, 2, 3 …')
		.describe('Page number, from 1, as in the path that next names (see pageCount).'),
});

export const listChaptersPage = defineOperation({
	operationId: 'listChaptersPage',
	method: 'GET',
	path: '/api/v1/chapters/pages/{page}.json',
	summary: 'One page of the chapter list',
	description:
		'The same list as listChapters, one page at a time, for a course too long for one response. next names the following page; null on the last.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	params: listPageParams,
	response: chapterListPageSchema,
	errors: [404],
});

export const getChapter = defineOperation({
	operationId: 'getChapter',
	method: 'GET',
	path: '/api/v1/chapters/{id}.json',
	summary: 'One chapter: metadata, objectives, and the text of free chapters',
	description:
		'Metadata, objectives, headings and previous/next ids. Free chapters include their text split into sections; for premium chapters call getChapterContent.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	params: chapterIdParams,
	response: chapterPublicSchema,
	errors: [404],
});

export const getNextChapter = defineOperation({
	operationId: 'getNextChapter',
	method: 'GET',
	path: '/api/v1/chapters/{id}/next.json',
	summary: 'The chapter after this one',
	description: 'The summary of the chapter that follows the given one, or chapter: null after the last chapter.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	params: chapterIdParams,
	response: neighbourSchema,
	errors: [404],
});

export const getPreviousChapter = defineOperation({
	operationId: 'getPreviousChapter',
	method: 'GET',
	path: '/api/v1/chapters/{id}/previous.json',
	summary: 'The chapter before this one',
	description: 'The summary of the chapter before the given one, or chapter: null for the first chapter.',
	tags: ['Course'],
	auth: 'public',
	static: true,
	params: chapterIdParams,
	response: neighbourSchema,
	errors: [404],
});

export const listQuizzes = defineOperation({
	operationId: 'listQuizzes',
	method: 'GET',
	path: '/api/v1/quizzes.json',
	summary: 'List the quizzes (first page)',
	description:
		'One quiz per chapter, with tier, pass mark and number of questions. A long course is paged: when next is not null, call listQuizzesPage with the following page number. Use getQuiz for the questions.',
	tags: ['Quizzes'],
	auth: 'public',
	static: true,
	response: quizListPageSchema,
});

export const listQuizzesPage = defineOperation({
	operationId: 'listQuizzesPage',
	method: 'GET',
	path: '/api/v1/quizzes/pages/{page}.json',
	summary: 'One page of the quiz list',
	description:
		'The same list as listQuizzes, one page at a time, for a course too long for one response. next names the following page; null on the last.',
	tags: ['Quizzes'],
	auth: 'public',
	static: true,
	params: listPageParams,
	response: quizListPageSchema,
	errors: [404],
});

export const getChapterContent = defineOperation({
	operationId: 'getChapterContent',
	method: 'GET',
	path: '/api/v1/chapters/{id}/content',
	summary: "A chapter's full text as markdown sections (premium chapters need a tier that includes them)",
	description:
		'Returns the chapter text split into sections with heading and anchor, paged for long chapters. Use section to fetch one section by anchor. Answer only from this text.',
	tags: ['Course'],
	auth: 'optional',
	params: chapterIdParams,
	query: z.object({
		section: z.string().max(200).optional().describe('Anchor of one section to return, e.g. "first-steps".'),
		page: z.coerce.number().int().min(1).max(1000).default(1).describe('Page of sections, from 1; see pageCount.'),
	}),
	response: z.object({
		chapterId: z.string(),
		title: z.string(),
		tier: tierSchema,
		url: z.string(),
		page: z.number().int(),
		pageCount: z.number().int(),
		sections: z.array(sectionSchema),
	}),
	errors: [400, 401, 403, 404],
	async handler({ params, query, user }) {
		const { content } = await getServices();
		const manifest = await content.manifest();
		const meta = manifest.chapters.find((c) => c.id === params.id);
		if (!meta) throw notFound(`Chapter "${params.id}"`);
		assertCanRead(manifest, user, meta.tier, `Chapter "${meta.title}"`);
		const body = await content.chapter(meta.id);
		if (!body) throw notFound(`The text of chapter "${params.id}"`);
		let sections = body.sections;
		if (query.section !== undefined) {
			sections = sections.filter((s) => s.anchor === query.section);
			if (sections.length === 0) {
				throw new ApiError(404, 'not_found', `Chapter "${meta.id}" has no section with anchor "${query.section}".`, {
					anchors: [...new Set(body.sections.map((s) => s.anchor).filter(Boolean))],
				});
			}
		}
		const pages = pageSections(sections, CONTENT_PAGE_CHARS);
		if (query.page > pages.length) {
			throw new ApiError(400, 'validation_failed', `page must be between 1 and ${pages.length}.`, [
				{ in: 'query', field: 'page', message: `at most ${pages.length}` },
			]);
		}
		return {
			chapterId: meta.id,
			title: meta.title,
			tier: meta.tier,
			url: meta.url,
			page: query.page,
			pageCount: pages.length,
			sections: pages[query.page - 1] ?? [],
		};
	},
});

export const getQuiz = defineOperation({
	operationId: 'getQuiz',
	method: 'GET',
	path: '/api/v1/quizzes/{id}',
	summary: "A quiz's questions and options, without answers",
	description:
		'Questions and options only; never the answers. Ask the learner each question, then call submitQuiz with their choices. Premium quizzes need a tier that includes them.',
	tags: ['Quizzes'],
	auth: 'optional',
	params: quizIdParams,
	response: quizPublicSchema,
	errors: [401, 403, 404],
	async handler({ params, user }) {
		const { content } = await getServices();
		const manifest = await content.manifest();
		const summary = manifest.quizzes.find((q) => q.id === params.id);
		if (!summary) throw notFound(`Quiz "${params.id}"`);
		assertCanRead(manifest, user, summary.tier, `Quiz "${summary.title}"`);
		const key = await content.quizKey(summary.id);
		if (!key) throw notFound(`Quiz "${params.id}"`);
		return quizPublic(key, summary.tier);
	},
});

export const checkAccessOp = defineOperation({
	operationId: 'checkAccess',
	method: 'GET',
	path: '/api/v1/access',
	summary: 'Can the current learner open a chapter or quiz?',
	description:
		'Returns allowed, the required tier, the reason (free_content, tier_ok, sign_in_required, upgrade_required) and what the upgrade gives. Call before offering premium material.',
	tags: ['Tiers'],
	auth: 'optional',
	query: z.object({
		resource: z
			.string()
			.regex(/^(chapter|quiz):[a-z0-9-]+$/, 'must look like "chapter:<id>" or "quiz:<id>"')
			.describe('The resource to check: "chapter:<id>" or "quiz:<id>", e.g. "chapter:getting-started".'),
	}),
	response: z.object({
		resource: z.string(),
		allowed: z.boolean(),
		requiredTier: tierSchema,
		yourTier: tierSchema.nullable(),
		reason: z.enum(['free_content', 'tier_ok', 'sign_in_required', 'upgrade_required']),
		upgrade: upgradeOfferSchema.nullable(),
	}),
	errors: [400, 404],
	async handler({ query, user }) {
		const { content } = await getServices();
		const manifest = await content.manifest();
		const [kind, id = ''] = query.resource.split(':') as [string, string];
		// The regex lets through ids such as "-x" or "a--b"; a bare parse() would throw a ZodError (a 500).
		if (!slugParam.safeParse(id).success) {
			throw new ApiError(400, 'validation_failed', `Invalid query.resource: "${id}" is not a valid id.`, [
				{ in: 'query', field: 'resource', message: 'the id must be a lowercase id such as "getting-started"' },
			]);
		}
		const item = kind === 'chapter' ? manifest.chapters.find((c) => c.id === id) : manifest.quizzes.find((q) => q.id === id);
		if (!item) throw notFound(`${kind === 'chapter' ? 'Chapter' : 'Quiz'} "${id}"`);
		const decision = checkAccess(user?.tier ?? null, item.tier);
		const offer = decision.allowed ? undefined : manifest.course.tiers.find((t) => t.id === item.tier);
		return {
			resource: query.resource,
			allowed: decision.allowed,
			requiredTier: decision.requiredTier,
			yourTier: user?.tier ?? null,
			reason: decision.reason,
			upgrade: offer ? upgradeOffer(offer) : null,
		};
	},
});
