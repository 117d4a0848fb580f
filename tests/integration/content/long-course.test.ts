/**
 * A 400-chapter course (generated, tests/helpers/synthetic-course.ts) builds: every JSON file under client/ stays
 * below ChatGPT's 100,000-character limit, chapters.json and quizzes.json are paged with `next` links that
 * lead through every chapter and quiz, and a chapter page's sidebar lists the parts with only its own
 * part's chapters, so pages do not grow with the course. Short chapters keep the build quick; the list
 * sizes do not depend on the prose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_CHARS } from '../../../src/content/compile.ts';
import { chapterListPageSchema, quizListPageSchema } from '../../../src/content/schemas.ts';
import { buildFixtureCourse, ROOT } from '../../helpers/fixture-build.ts';
import { syntheticChapterId, writeSyntheticCourse } from '../../helpers/synthetic-course.ts';

const CHAPTERS = 400;
const PART = 50;
const courseDir = path.join(ROOT, '.test-build/long-course/content');
const outDir = path.join(ROOT, '.test-build/long-course/dist');
const api = path.join(outDir, 'client/api/v1');
let ids: string[] = [];

beforeAll(() => {
	ids = writeSyntheticCourse(courseDir, { chapters: CHAPTERS, words: 60, partSize: PART });
	buildFixtureCourse(courseDir, outDir);
}, 900_000);

function follow<T>(first: string, read: (file: string) => { items: T[]; next: string | null; page: number; pageCount: number }) {
	const items: T[] = [];
	let file: string | null = path.join(api, first);
	let pages = 0;
	while (file) {
		const page = read(file);
		pages++;
		expect(page.page).toBe(pages);
		items.push(...page.items);
		file = page.next ? path.join(outDir, 'client', page.next) : null;
		if (!file) expect(page.pageCount).toBe(pages);
	}
	return { items, pages };
}

describe(`a ${CHAPTERS}-chapter course`, () => {
	it('keeps every JSON file below the limit', () => {
		const json = readdirSync(path.join(outDir, 'client'), { recursive: true, withFileTypes: true })
			.filter((e) => e.isFile() && e.name.endsWith('.json'))
			.map((e) => path.join(e.parentPath, e.name));
		expect(json.length).toBeGreaterThan(CHAPTERS * 3);
		const over = json.map((f) => ({ f, chars: readFileSync(f, 'utf8').length })).filter((x) => x.chars >= MAX_JSON_CHARS);
		expect(over).toEqual([]);
	});

	it('pages chapters.json and quizzes.json, and the next links reach every chapter and quiz once, in order', () => {
		const chapters = follow('chapters.json', (f) => {
			const p = chapterListPageSchema.parse(JSON.parse(readFileSync(f, 'utf8')));
			return { ...p, items: p.chapters.map((c) => c.id) };
		});
		expect(chapters.pages).toBeGreaterThan(1);
		expect(chapters.items).toEqual(ids);
		const quizzes = follow('quizzes.json', (f) => {
			const p = quizListPageSchema.parse(JSON.parse(readFileSync(f, 'utf8')));
			return { ...p, items: p.quizzes.map((q) => q.id) };
		});
		expect(quizzes.pages).toBeGreaterThan(1);
		expect(quizzes.items).toEqual(ids);
	});

	it("gives a chapter page every part's title and only its own part's chapters, each padlock drawn by CSS", () => {
		const n = 123;
		const html = readFileSync(path.join(outDir, 'client/chapters', syntheticChapterId(n), 'index.html'), 'utf8');
		const sidebar = /<aside class="sidebar"[\s\S]*?<\/aside>/.exec(html)?.[0] ?? '';
		expect(sidebar.match(/<li class="part"/g)).toHaveLength(CHAPTERS / PART);
		const linked = [...sidebar.matchAll(/href="\/chapters\/(topic-\d+)\/?"/g)].map((m) => m[1]);
		const part = Math.floor((n - 1) / PART);
		const own = ids.slice(part * PART, (part + 1) * PART);
		// Every other part's first chapter (its title links there), and every chapter of this part.
		const others = ids.filter((_, i) => i % PART === 0 && Math.floor(i / PART) !== part);
		expect(new Set(linked)).toEqual(new Set([...own, ...others]));
		expect(sidebar).toContain('<details open>');
		expect(sidebar).not.toContain('<svg');
		expect(sidebar).toContain('class="lock-icon"');
	});
});
