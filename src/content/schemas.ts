/**
 * The one definition of what authors write (course.yaml, chapter frontmatter, quiz files)
 * and of what the build emits (public and private JSON). Types flow from these schemas.
 */
import { z } from 'astro/zod';
import { SLUG } from '../domain/ids.ts';
import { MULTIPLE_SCORING, QUESTION_TYPES } from '../domain/grading.ts';
import { REVEAL_POLICIES } from '../domain/reveal.ts';
import { TEAM_TIER } from '../domain/teams.ts';
import { TIERS } from '../domain/tiers.ts';

const slug = z.string().regex(SLUG, 'a lowercase slug such as "getting-started" (letters, digits, single hyphens)');

export const tierSchema = z.enum(TIERS);
export const difficultySchema = z.enum(['beginner', 'intermediate', 'advanced']);

export const tierDefinitionSchema = z.strictObject({
	/** Tier id; tiers are listed in ascending order free < premium < pro < team. */
	id: tierSchema,
	name: z.string().min(1),
	/** Price per month in USD; 0 for free. */
	price_monthly: z.number().min(0),
	/** What the tier gives, shown on the paywall. */
	includes: z.array(z.string().min(1)).min(1),
	/** Quiz attempts per quiz per local day; null = unlimited. */
	quiz_attempts_per_day: z.number().int().positive().nullable().default(null),
	/** Missed days a month that a streak freeze covers automatically. */
	streak_freezes_per_month: z.number().int().min(0).default(0),
	/**
	 * The team tier only, and required there: how many accounts one team holds, its owner included. An owner
	 * invites members by link or email up to this number; each member holds the team tier while a member.
	 */
	seats: z.number().int().min(2).max(10_000).optional(),
	/**
	 * Paid tiers only: the provider's checkout page for this tier, e.g. a Stripe Payment Link
	 * (`https://buy.stripe.com/…`). Signed-in learners are sent there with their id (`client_reference_id`)
	 * and email (`prefilled_email`) added, so the billing webhook can match the payment. Unset: no online checkout.
	 */
	checkout_url: z.url({ protocol: /^https$/, error: 'an https:// address of the checkout page, such as a Stripe Payment Link' }).optional(),
});

/** Search settings an author may give in course.yaml (all optional). */
export const revealSchema = z.enum(REVEAL_POLICIES);

export const courseSearchSchema = z.strictObject({
	/** Groups of words learners use interchangeably in this subject: ["levain", "starter"], ["llm", "language model"]. */
	synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]),
	/**
	 * Headings of sections that introduce or recap rather than teach ("Learning Goals", "Further Reading"): they
	 * rank below the section that treats a topic. Added to the built-in list; matched case-insensitively.
	 */
	boilerplate_headings: z.array(z.string().min(1)).default([]),
});
export type CourseSearchSettings = z.infer<typeof courseSearchSchema>;

export const courseFileSchema = z.strictObject({
	id: slug,
	title: z.string().min(1),
	description: z.string().min(1),
	audience: z.string().min(1),
	language: z.string().default('en'),
	/** How many leading chapters (by reading position) are free. */
	free_chapters: z.number().int().min(0).default(3),
	/** Default quiz pass mark in percent. */
	pass_mark: z.number().int().min(1).max(100).default(70),
	/** When quiz results show the correct answers; unset: after a pass or when the day's attempts are used up. */
	quiz_reveal: revealSchema.optional(),
	/** How `multiple` questions score in every quiz (a quiz's `multiple_scoring` overrides it); default all_or_nothing. */
	quiz_multiple_scoring: z.enum(MULTIPLE_SCORING).optional(),
	/** Show choice options in a new order on every attempt (a quiz's `shuffle_options` overrides it); default false. */
	quiz_shuffle_options: z.boolean().optional(),
	search: courseSearchSchema.default({ synonyms: [], boilerplate_headings: [] }),
	/**
	 * Parts of a long course, in reading order: each starts at the chapter `from` (an id) and runs to the next
	 * part. A chapter page's sidebar lists the chapters of its own part and only the titles of the others.
	 * Unset on a course of more than 60 chapters: parts of 50 chapters, titled by their chapter numbers.
	 * @example parts: [{ title: "Foundations", from: "getting-started" }, { title: "In production", from: "deploying" }]
	 */
	parts: z.array(z.strictObject({ title: z.string().min(1), from: slug })).default([]),
	tiers: z
		.array(tierDefinitionSchema)
		.min(1)
		.superRefine((tiers, ctx) => {
			const ids = tiers.map((t) => t.id);
			const expected = TIERS.filter((t) => ids.includes(t));
			if (ids.join() !== expected.join() || new Set(ids).size !== ids.length) {
				ctx.addIssue({
					code: 'custom',
					message: `tiers must be listed once each, in order ${TIERS.join(' < ')}; got ${ids.join(', ')}`,
				});
			}
			if (ids[0] !== 'free') ctx.addIssue({ code: 'custom', message: 'the first tier must be "free"' });
			tiers.forEach((t, i) => {
				if (t.id === 'free' && t.checkout_url !== undefined) {
					ctx.addIssue({ code: 'custom', path: [i, 'checkout_url'], message: 'the free tier has nothing to pay for: remove checkout_url' });
				}
				if (t.id === TEAM_TIER && t.seats === undefined) {
					ctx.addIssue({
						code: 'custom',
						path: [i],
						message: 'the team tier needs seats: how many accounts one team holds, its owner included (e.g. seats: 10)',
					});
				}
				if (t.id !== TEAM_TIER && t.seats !== undefined) {
					ctx.addIssue({ code: 'custom', path: [i, 'seats'], message: `only the ${TEAM_TIER} tier has seats: remove seats here` });
				}
			});
		}),
});
export type CourseFile = z.infer<typeof courseFileSchema>;
export type TierDefinition = z.infer<typeof tierDefinitionSchema>;

export const chapterFrontmatterSchema = z.strictObject({
	id: slug,
	title: z.string().min(1),
	/** Unique sort key; any integers (10, 20, 30 … leaves room to insert chapters). */
	order: z.number().int(),
	difficulty: difficultySchema,
	/** Estimated minutes to read and practise. */
	minutes: z.number().int().positive(),
	summary: z.string().min(1).max(300),
	objectives: z.array(z.string().min(1)).min(1),
	/** Search synonyms and keywords, boosted by the search ranker. */
	keywords: z.array(z.string().min(1)).default([]),
	/** Overrides the course's free/premium split for this chapter. */
	tier: tierSchema.optional(),
});
export type ChapterFrontmatter = z.infer<typeof chapterFrontmatterSchema>;

const optionSchema = z.strictObject({
	id: slug,
	text: z.string().min(1),
	correct: z.boolean().default(false),
	/** Shown after grading to a learner who picked this option. */
	feedback: z.string().min(1).optional(),
});

const questionBase = {
	id: slug,
	prompt: z.string().min(1),
	explanation: z.string().min(1, 'an explanation that teaches why the answer is right'),
	/** Anchor of the section of this chapter that teaches the question; otherwise the build picks one. */
	section: z.string().min(1).optional(),
};

const choiceQuestionSchema = z.strictObject({
	...questionBase,
	type: z.enum(['single', 'multiple']),
	options: z.array(optionSchema).min(2),
	/** Overrides the quiz's shuffle_options for this question: `false` keeps an order that matters ("All of the above"). */
	shuffle_options: z.boolean().optional(),
});

const trueFalseQuestionSchema = z.strictObject({
	...questionBase,
	type: z.literal('true_false'),
	answer: z.boolean(),
	feedback: z.strictObject({ true: z.string().min(1).optional(), false: z.string().min(1).optional() }).optional(),
});

const shortQuestionSchema = z.strictObject({
	...questionBase,
	type: z.literal('short'),
	/** Accepted answers; compared without case, spaces or punctuation. The first is shown as the answer. */
	accept: z.array(z.coerce.string().min(1)).min(1, 'at least one accepted answer, such as accept: [rye]'),
	/** Shown after grading to a learner whose answer was not accepted. */
	feedback: z.string().min(1).optional(),
});

const numericQuestionSchema = z.strictObject({
	...questionBase,
	type: z.literal('numeric'),
	answer: z.number({ error: 'a number, such as answer: 3.5' }).refine(Number.isFinite, 'a finite number'),
	/** How far from `answer` a learner's number may be and still count (absolute); default 0. */
	tolerance: z.number().min(0, 'zero or more: how far from the answer still counts').default(0),
	/** Shown after grading to a learner whose number was outside the tolerance. */
	feedback: z.string().min(1).optional(),
});

export const quizQuestionSchema = z.discriminatedUnion('type', [
	choiceQuestionSchema,
	trueFalseQuestionSchema,
	shortQuestionSchema,
	numericQuestionSchema,
]);

export const quizFileSchema = z.strictObject({
	/** Id of the chapter this quiz belongs to (one quiz per chapter). */
	chapter: slug,
	title: z.string().min(1).optional(),
	/** Percent needed to pass; defaults to the course's pass_mark. */
	pass_mark: z.number().int().min(1).max(100).optional(),
	/** Overrides course.yaml's quiz_reveal for this quiz. */
	reveal: revealSchema.optional(),
	/** A question pool: each attempt asks this many of the questions, drawn anew; the pass mark applies to them. */
	draw: z.number().int().min(1).optional(),
	/** Show choice options in a new order on every attempt; default: course.yaml's quiz_shuffle_options, else false. */
	shuffle_options: z.boolean().optional(),
	/** How `multiple` questions score; default: course.yaml's quiz_multiple_scoring, else all_or_nothing. */
	multiple_scoring: z.enum(MULTIPLE_SCORING).optional(),
	questions: z.array(quizQuestionSchema).min(1),
});
export type QuizFile = z.infer<typeof quizFileSchema>;

// ---- What the build emits ----

export const sectionSchema = z.object({
	heading: z.string(),
	/** Heading level: 2 for `##`, 3 for `###`, 4 for `####`; 1 for the chapter's introduction. */
	depth: z.number().int().min(1).max(4),
	/** Fragment id on the chapter page; empty for the introduction. */
	anchor: z.string(),
	/** The section's text as markdown. */
	markdown: z.string(),
	/** Set when a long section was split into pages to stay under the size limit. */
	part: z.number().int().positive().optional(),
});
export type Section = z.infer<typeof sectionSchema>;

/** A heading of a chapter: depth 1–6, its anchor (GitHub slug) and its text. */
export const headingSchema = z.object({ depth: z.number().int(), anchor: z.string(), text: z.string() });
export type Heading = z.infer<typeof headingSchema>;

export const chapterSummarySchema = z.object({
	id: z.string(),
	title: z.string(),
	/** 1-based reading position: the chapter number shown to learners. */
	position: z.number().int().positive(),
	/** The author's sort key (any unique integers); use `position` for the chapter number. */
	order: z.number().int(),
	difficulty: difficultySchema,
	minutes: z.number().int(),
	summary: z.string(),
	tier: tierSchema,
	hasQuiz: z.boolean(),
});
export type ChapterSummary = z.infer<typeof chapterSummarySchema>;

export const chapterPublicSchema = chapterSummarySchema.extend({
	objectives: z.array(z.string()),
	keywords: z.array(z.string()),
	previous: z.string().nullable(),
	next: z.string().nullable(),
	url: z.string(),
	words: z.number().int(),
	/** Reading alone, from the word count; `minutes` (the author's estimate, reading and practice) is what pages show. */
	readingMinutes: z.number().int(),
	headings: z.array(headingSchema),
	/** Present for free chapters only; premium bodies live in the private artifact. */
	sections: z.array(sectionSchema).optional(),
	/** Set when the text is longer than one response: `sections` is page 1, getChapterContent?page=2… has the rest. */
	sectionPages: z.number().int().optional(),
	locked: z.boolean(),
});
export type ChapterPublic = z.infer<typeof chapterPublicSchema>;

export const publicOptionSchema = z.object({ id: z.string(), text: z.string() });
export const publicQuestionSchema = z.object({
	id: z.string(),
	type: z.enum(QUESTION_TYPES).describe('short: answer with text; numeric: answer with a number (decimal point or comma).'),
	prompt: z.string(),
	options: z.array(publicOptionSchema).describe('Empty for short and numeric questions.'),
});
export const quizSummarySchema = z.object({
	id: z.string(),
	chapterId: z.string(),
	title: z.string(),
	tier: tierSchema,
	passMark: z.number().int(),
	/** Every question of the quiz (the pool, when `draw` is set). */
	questionCount: z.number().int(),
	/** Set for a question pool: each attempt asks this many of the questions (startQuiz gives them). */
	draw: z.number().int().optional(),
});
export const quizPublicSchema = quizSummarySchema.extend({ questions: z.array(publicQuestionSchema) });
export type QuizSummary = z.infer<typeof quizSummarySchema>;
export type QuizPublic = z.infer<typeof quizPublicSchema>;

/** Where a page of a course-wide list (chapters.json, quizzes.json) sits, and the path of the next one. */
const listPageFields = {
	/** This page, from 1. */
	page: z.number().int().positive(),
	pageCount: z.number().int().positive(),
	/** Path of the next page (its number is in the path), or null on the last page. */
	next: z.string().nullable(),
};
export const chapterListPageSchema = z.object({ chapters: z.array(chapterSummarySchema), ...listPageFields });
export const quizListPageSchema = z.object({ quizzes: z.array(quizSummarySchema), ...listPageFields });
export type ChapterListPage = z.infer<typeof chapterListPageSchema>;
export type QuizListPage = z.infer<typeof quizListPageSchema>;

export const tierPublicSchema = z.object({
	id: tierSchema,
	name: z.string(),
	priceMonthly: z.number(),
	includes: z.array(z.string()),
	quizAttemptsPerDay: z.number().int().nullable(),
	streakFreezesPerMonth: z.number().int(),
	/** The team tier: accounts one team holds, its owner included; null for the other tiers. */
	seats: z.number().int().nullable(),
	/** The site's page that starts paying for this tier (it asks for sign-in first); null: no online checkout. */
	checkoutUrl: z.string().nullable(),
});
export type TierPublic = z.infer<typeof tierPublicSchema>;

export const coursePublicSchema = z.object({
	id: z.string(),
	title: z.string(),
	description: z.string(),
	audience: z.string(),
	language: z.string(),
	freeChapters: z.number().int(),
	passMark: z.number().int(),
	tiers: z.array(tierPublicSchema),
	chapterCount: z.number().int(),
	totalMinutes: z.number().int(),
	/** The course's parts in reading order: title, first chapter (id) and how many chapters each has. */
	parts: z.array(z.object({ title: z.string(), from: z.string(), chapterCount: z.number().int() })),
});
export type CoursePublic = z.infer<typeof coursePublicSchema>;
