/**
 * Paging of the course-wide lists (chapters.json, quizzes.json) and parts of a long course: every page stays
 * far below ChatGPT's 100,000-character limit whatever the course's length, pages link each other in order,
 * and the sidebar of a chapter lists only its own part.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_CHARS } from '../../../src/content/compile.ts';
import { chapterListPages, quizListPages } from '../../../src/content/emit.ts';
import { LIST_PAGE_CHARS, listPagePath, pageBySize, pageList, pageSections } from '../../../src/content/paging.ts';
import { AUTO_PART_SIZE, AUTO_PARTS_ABOVE, courseParts, sidebarParts } from '../../../src/content/parts.ts';
import type { ChapterSummary, QuizSummary } from '../../../src/content/schemas.ts';

/** Chapter summaries as long as the schema lets them be (a 300-character summary) and a long title. */
function summaries(n: number): ChapterSummary[] {
	return Array.from({ length: n }, (_, i) => ({
		id: `chapter-${i + 1}-with-a-fairly-long-slug`,
		title: `Chapter ${i + 1}: “quoted” words and a title long enough to be realistic in a big course`,
		position: i + 1,
		order: (i + 1) * 10,
		difficulty: 'intermediate' as const,
		minutes: 12,
		summary: `${'A summary with "quotes" and \\ backslashes that JSON escapes. '.repeat(6)}`.slice(0, 300),
		tier: i < 3 ? ('free' as const) : ('premium' as const),
		hasQuiz: true,
	}));
}

function quizzes(n: number): QuizSummary[] {
	return summaries(n).map((c) => ({ id: c.id, chapterId: c.id, title: `Check: ${c.title}`, tier: c.tier, passMark: 70, questionCount: 5 }));
}

/** Follows `next` from page 1 as a client would, through the pages' paths. */
function follow<T extends { page: number; pageCount: number; next: string | null }>(pages: T[], list: 'chapters' | 'quizzes'): T[] {
	const byPath = new Map(pages.map((p) => [listPagePath(list, p.page), p]));
	const seen: T[] = [];
	let current: T | undefined = pages[0];
	while (current) {
		seen.push(current);
		current = current.next ? byPath.get(current.next) : undefined;
	}
	return seen;
}

describe('pageBySize', () => {
	it('fills pages up to the budget and gives an oversize item a page of its own', () => {
		expect(pageBySize([3, 3, 3, 10, 1], (x) => x, 6)).toEqual([[3, 3], [3], [10], [1]]);
		expect(pageBySize([], (x: number) => x, 6)).toEqual([[]]);
	});

	it('still pages chapter sections by their markdown', () => {
		const s = (n: number) => ({ markdown: 'x'.repeat(n) });
		expect(pageSections([s(30_000), s(20_000), s(5_000)]).map((p) => p.length)).toEqual([1, 2]);
	});
});

describe('chapters.json and quizzes.json pages', () => {
	it('keeps a short course on one page with no next link', () => {
		const pages = chapterListPages(summaries(8));
		expect(pages).toHaveLength(1);
		expect(pages[0]).toMatchObject({ page: 1, pageCount: 1, next: null });
		expect(pages[0]?.chapters).toHaveLength(8);
	});

	for (const n of [340, 1000, 5000]) {
		it(`pages ${n} chapters and their quizzes below the limit, each page linking the next, nothing lost or repeated`, () => {
			const chapters = summaries(n);
			const pages = chapterListPages(chapters);
			expect(pages.length).toBeGreaterThan(1);
			for (const page of pages) {
				expect(JSON.stringify(page).length).toBeLessThan(MAX_JSON_CHARS);
				expect(JSON.stringify(page.chapters).length).toBeLessThanOrEqual(LIST_PAGE_CHARS + 2);
				expect(page.pageCount).toBe(pages.length);
			}
			const followed = follow(pages, 'chapters');
			expect(followed.map((p) => p.page)).toEqual(pages.map((_, i) => i + 1));
			expect(followed.at(-1)?.next).toBeNull();
			expect(followed.flatMap((p) => p.chapters)).toEqual(chapters);

			const qPages = quizListPages(quizzes(n));
			for (const page of qPages) expect(JSON.stringify(page).length).toBeLessThan(MAX_JSON_CHARS);
			expect(follow(qPages, 'quizzes').flatMap((p) => p.quizzes)).toEqual(quizzes(n));
		});
	}

	it('names later pages by path under /api/v1/<list>/pages/', () => {
		const pages = pageList('quizzes', quizzes(1000));
		expect(pages[0]?.links.next).toBe('/api/v1/quizzes/pages/2.json');
		expect(pages.at(-1)?.links.next).toBeNull();
	});
});

describe('parts of a course', () => {
	const ids = Array.from({ length: 10 }, (_, i) => `c${i + 1}`);

	it('has none for a short course that declares none, and automatic parts of 50 for a long one', () => {
		expect(courseParts([], ids)).toEqual({ parts: [], problems: [] });
		const long = Array.from({ length: AUTO_PARTS_ABOVE + 1 }, (_, i) => `c${i + 1}`);
		const { parts } = courseParts([], long);
		expect(parts.map((p) => [p.title, p.from, p.chapterCount])).toEqual([
			[`Chapters 1–${AUTO_PART_SIZE}`, 'c1', AUTO_PART_SIZE],
			[`Chapters ${AUTO_PART_SIZE + 1}–${long.length}`, `c${AUTO_PART_SIZE + 1}`, long.length - AUTO_PART_SIZE],
		]);
	});

	it('counts the chapters of declared parts', () => {
		const { parts, problems } = courseParts(
			[
				{ title: 'Basics', from: 'c1' },
				{ title: 'More', from: 'c4' },
			],
			ids,
		);
		expect(problems).toEqual([]);
		expect(parts).toEqual([
			{ title: 'Basics', from: 'c1', chapterCount: 3 },
			{ title: 'More', from: 'c4', chapterCount: 7 },
		]);
	});

	it('explains an unknown chapter, a first part that does not start the course, and parts out of order', () => {
		expect(courseParts([{ title: 'A', from: 'c11' }], ids).problems).toEqual([
			{ index: 0, message: 'no chapter has the id "c11"; did you mean "c1"?' },
		]);
		expect(courseParts([{ title: 'A', from: 'c2' }], ids).problems[0]?.message).toMatch(/first part must start at the first chapter, "c1"/);
		expect(
			courseParts(
				[
					{ title: 'A', from: 'c1' },
					{ title: 'B', from: 'c5' },
					{ title: 'C', from: 'c3' },
				],
				ids,
			).problems,
		).toEqual([{ index: 2, message: '"c3" comes before the start of the previous part: list parts in reading order' }]);
	});

	it('gives the sidebar every part title and the chapters of the current part only', () => {
		const chapters = ids.map((id) => ({ id }));
		const { parts } = courseParts(
			[
				{ title: 'Basics', from: 'c1' },
				{ title: 'More', from: 'c4' },
			],
			ids,
		);
		const sidebar = sidebarParts(parts, chapters, 'c5');
		expect(sidebar?.map((p) => [p.title, p.first.id, p.range, p.chapters?.map((c) => c.id) ?? null])).toEqual([
			['Basics', 'c1', [1, 3], null],
			['More', 'c4', [4, 10], ['c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']],
		]);
		expect(sidebarParts([], chapters, 'c5')).toBeNull();
	});
});
