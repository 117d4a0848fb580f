/**
 * A course written the way another author writes one (tests/fixtures/courses/sourdough: orders 10…60,
 * folder chapters, images relative to the file, GitHub-style links, asides, code titles, ####, a chapter
 * without a quiz), its broken twin with planted mistakes, and the markdown features on their own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MAX_IMAGE_WIDTH } from '../../../src/content/assets.ts';
import { type CompiledChapter, type CompiledCourse, compileCourse } from '../../../src/content/compile.ts';
import { chapterPublic } from '../../../src/content/emit.ts';
import { pageSections } from '../../../src/content/paging.ts';
import { ContentValidationError } from '../../../src/content/errors.ts';
import { renderMarkdown } from '../../../src/content/markdown.ts';
import { parseCodeMeta } from '../../../src/content/markdown/code-blocks.ts';
import { buildSearchIndexData } from '../../../src/search/index-builder.ts';
import { withTeachingSections } from '../../../src/search/teaching-sections.ts';

const SOURDOUGH = path.resolve('tests/fixtures/courses/sourdough');
const BROKEN = path.resolve('tests/fixtures/courses/sourdough-broken');
const ORIGIN = 'https://bake.example.org';

async function problemsOf(dir: string) {
	try {
		await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
	} catch (error) {
		if (error instanceof ContentValidationError) return error.issues;
		throw error;
	}
	throw new Error(`${dir} compiled without problems`);
}

const temps: string[] = [];
function copyOf(dir: string): string {
	const copy = mkdtempSync(path.join(os.tmpdir(), 'cc-author-'));
	temps.push(copy);
	cpSync(dir, copy, { recursive: true });
	return copy;
}
afterAll(() => {
	for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('a course by another author', () => {
	let compiled: CompiledCourse;
	beforeAll(async () => {
		compiled = await compileCourse(SOURDOUGH, { rootDir: SOURDOUGH, origin: ORIGIN });
	});
	const chapter = (id: string) => {
		const found = compiled.chapters.find((c) => c.id === id);
		if (!found) throw new Error(`no chapter ${id}`);
		return found;
	};

	it('numbers chapters by reading position and frees the first free_chapters of them, whatever the order values', () => {
		expect(compiled.chapters.map((c) => [c.order, c.position, c.tier])).toEqual([
			[10, 1, 'free'],
			[20, 2, 'free'],
			[30, 3, 'premium'],
			[40, 4, 'premium'],
			[50, 5, 'premium'],
			[60, 6, 'premium'],
		]);
	});

	it('finds folder chapters (index.md and README.md) and treats a chapter without a quiz as normal', () => {
		expect(chapter('shaping').file).toBe('chapters/30-shaping/index.md');
		expect(chapter('baking').file).toBe('chapters/50-baking/README.md');
		expect(chapter('troubleshooting').hasQuiz).toBe(false);
		expect(compiled.quizzes.map((q) => q.chapterId)).not.toContain('troubleshooting');
	});

	it('turns relative .md links, folder links and anchors into site URLs in the HTML', () => {
		const html = chapter('starter').html;
		expect(html).toContain('href="/chapters/fermentation/#signs-of-overproofing"');
		expect(html).toContain('href="/chapters/flour-and-water/"');
		expect(chapter('flour-and-water').html).toContain('href="/chapters/shaping/"');
		expect(chapter('flour-and-water').html).toContain('href="/chapters/baking/#preheating-the-dutch-oven"');
		for (const c of compiled.chapters) expect(c.html, c.id).not.toMatch(/href="[^"]*\.md[#"]/);
	});

	it('gives ChatGPT absolute URLs: no relative link or image is left in any section', () => {
		const all = compiled.chapters.flatMap((c) => c.sections.map((s) => s.markdown)).join('\n');
		expect(all).toContain(`](${ORIGIN}/chapters/fermentation/#signs-of-overproofing)`);
		expect(all).toMatch(new RegExp(`!\\[[^\\]]*\\]\\(${ORIGIN.replace(/\./g, '\\.')}/assets/crumb\\.[0-9a-f]{16}\\.jpg\\)`));
		const links = [...all.matchAll(/\]\(([^)\s]+)/g)].map((m) => m[1] as string);
		expect(links.length).toBeGreaterThan(10);
		expect(links.filter((l) => !l.startsWith(`${ORIGIN}/`) && !/^https?:/.test(l))).toEqual([]);
	});

	it('publishes images with content-hashed names and their size, resizing large ones', async () => {
		const large = compiled.assets.find((a) => a.source.endsWith('crumb-large.jpg'));
		expect(large?.name).toMatch(/^crumb-large\.[0-9a-f]{16}\.jpg$/);
		expect(large?.width).toBe(MAX_IMAGE_WIDTH);
		const meta = await sharp(large?.bytes).metadata();
		expect([meta.width, meta.height]).toEqual([large?.width, large?.height]);
		expect(large?.height).toBe(1200);
		// Colocated in a folder chapter, referenced without ./
		expect(compiled.assets.some((a) => a.source === 'chapters/50-baking/scoring.png')).toBe(true);
		const html = chapter('troubleshooting').html;
		expect(html).toContain(`src="/assets/${large?.name}"`);
		expect(html).toMatch(new RegExp(`<img src="/assets/${large?.name}" alt="[^"]+" width="1600" height="1200" loading="lazy"`));
		expect(chapter('troubleshooting').tier).toBe('premium');
		expect(large?.chapters).toEqual(['troubleshooting']);
	});

	it('renders asides, code titles with marked lines, and anchors for ##–#### headings', () => {
		const flour = chapter('flour-and-water');
		expect(flour.html).toContain('<aside class="aside aside-tip" aria-label="Baker’s shortcut">');
		expect(flour.html).toContain('<figcaption class="code-title">hydration.py</figcaption>');
		expect(flour.html.match(/<span class="line mark">/g)?.length).toBe(3);
		const deep = compiled.chapters.flatMap((c) => c.headings).filter((h) => h.depth === 4);
		expect(deep.length).toBeGreaterThan(1);
		for (const c of compiled.chapters) {
			for (const h of c.headings.filter((x) => x.depth >= 2 && x.depth <= 4)) {
				expect(c.html).toContain(`<a class="heading-anchor" href="#${h.anchor}"`);
				expect(c.sections.some((s) => s.anchor === h.anchor && s.depth === h.depth)).toBe(true);
			}
		}
	});
});

describe('the broken twin', () => {
	const expected = parseYaml(readFileSync(path.join(BROKEN, 'EXPECTED.yaml'), 'utf8')) as {
		file: string;
		line: number;
		contains: string;
		what: string;
	}[];

	it('reports every planted mistake with its file and line, in one pass, and nothing else', async () => {
		const issues = await problemsOf(BROKEN);
		for (const planted of expected) {
			const match = issues.find((i) => i.file === planted.file && i.line === planted.line && i.message.includes(planted.contains));
			expect(
				match,
				`${planted.what} (${planted.file}:${planted.line}) not reported; got:\n${issues.map((i) => `${i.file}:${i.line} ${i.message}`).join('\n')}`,
			).toBeDefined();
		}
		expect(issues).toHaveLength(expected.length);
	});

	it('says how to fix each one', async () => {
		const messages = (await problemsOf(BROKEN)).map((i) => i.message).join('\n');
		expect(messages).toContain('did you mean ./40-fermentation.md?');
		expect(messages).toContain('did you mean "#the-poke-test"?');
		expect(messages).toContain('put the text in quotes');
		expect(messages).toContain('write true or false');
		expect(messages).toMatch(/"expert" is not allowed: use one of "beginner", "intermediate", "advanced"/);
	});
});

describe('links and images an author gets wrong', () => {
	async function oneProblem(change: (dir: string) => void) {
		const dir = copyOf(SOURDOUGH);
		change(dir);
		const issues = await problemsOf(dir);
		expect(issues, issues.map((i) => i.message).join('\n')).toHaveLength(1);
		return issues[0] as NonNullable<(typeof issues)[0]>;
	}
	const append = (dir: string, file: string, text: string) => {
		const full = path.join(dir, file);
		writeFileSync(full, `${readFileSync(full, 'utf8')}\n${text}\n`);
	};

	it('refuses an external image and says how to fix it', async () => {
		const issue = await oneProblem((d) => append(d, 'chapters/10-starter.md', '![A loaf](https://cdn.example.com/loaf.png)'));
		expect(issue.message).toMatch(/external image .*download the file into the course .*\.\.\/images\/loaf\.png/);
		expect(issue.file).toBe('chapters/10-starter.md');
	});

	it('refuses links that leave the course folder or point to files that are never published', async () => {
		expect((await oneProblem((d) => append(d, 'chapters/10-starter.md', '[secret](../../../package.json)'))).message).toMatch(
			/outside the course folder/,
		);
		expect((await oneProblem((d) => append(d, 'chapters/10-starter.md', '[config](../course.yaml)'))).message).toMatch(/never published/);
	});

	it('suggests the chapter folder a misspelt folder link meant, with or without a file inside it', async () => {
		expect((await oneProblem((d) => append(d, 'chapters/10-starter.md', '[shaping](./30-shapng/)'))).message).toContain(
			'did you mean ./30-shaping/?',
		);
		expect((await oneProblem((d) => append(d, 'chapters/10-starter.md', '[baking](./50-bakng/README.md)'))).message).toContain(
			'did you mean ./50-baking/README.md?',
		);
	});

	it('links a quiz file to its quiz page, never publishing the answer key', async () => {
		const dir = copyOf(SOURDOUGH);
		append(dir, 'chapters/10-starter.md', 'Try [the quiz](../quizzes/starter.yaml).');
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		expect(compiled.chapters[0]?.html).toContain('href="/quizzes/starter/"');
		expect(compiled.assets.some((a) => a.source.endsWith('.yaml'))).toBe(false);
	});

	it('reports an unknown aside with its line', async () => {
		const issue = await oneProblem((d) => append(d, 'chapters/10-starter.md', ':::warning\nHot oven.\n:::'));
		expect(issue.message).toMatch(/unknown aside ":::warning"; use :::note, :::tip, :::caution or :::danger/);
		expect(issue.line).toBe(readFileSync(path.join(SOURDOUGH, 'chapters/10-starter.md'), 'utf8').split('\n').length + 1);
	});
});

describe('markdown features', () => {
	it('gives back directive-like text that is not an aside', async () => {
		const { html } = await renderMarkdown('Mix at ratio:salt, 10:30, and :wink[ok].');
		expect(html).toContain('ratio:salt, 10:30, and :wink[ok].');
	});

	it('parses HTML an author writes in the markdown, markdown inside it and headings written as HTML', async () => {
		const { html, headings } = await renderMarkdown(
			'Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.\n\n<details><summary>Hint</summary>\n\nUse **bold**.\n\n</details>\n\n<h2>Written in HTML</h2>\n\nText.',
		);
		expect(html).toContain('<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p>');
		expect(html).toContain('<details><summary>Hint</summary>\n<p>Use <strong>bold</strong>.</p>\n</details>');
		// The heading is an element by the time the heading step runs: it gets its id and anchor link like a ## heading.
		expect(html).toContain('<h2 id="written-in-html">Written in HTML</h2><a class="heading-anchor" href="#written-in-html"');
		expect(headings).toEqual([{ depth: 2, anchor: 'written-in-html', text: 'Written in HTML' }]);
	});

	it('parses Expressive Code style code-block options', () => {
		const meta = parseCodeMeta('title="src/app.ts" {1,3-4} ins={6} del={7} wrap');
		expect(meta.title).toBe('src/app.ts');
		expect([...meta.mark]).toEqual([1, 3, 4]);
		expect([...meta.ins]).toEqual([6]);
		expect([...meta.del]).toEqual([7]);
		expect(meta.unknown).toEqual(['wrap']);
	});

	it('keeps a token that spans lines well-formed on each line', async () => {
		const { html } = await renderMarkdown('```js {2}\n/* one\ntwo */ let x = 1;\n```');
		const lines = html.match(/<span class="line[^"]*">.*?<\/span>(?=\n|<\/code>)/g) ?? [];
		expect(lines).toHaveLength(2);
		expect(lines[1]).toMatch(/^<span class="line mark"><span class="token comment">two \*\/<\/span>/);
	});

	it('rewrites link destinations for the absolute copy without touching the rest', async () => {
		const source = 'See [a](./a.md "A title"), ![b](<../images/b c.png>) and [ref][r].\n\n[r]: ./c.md#x';
		const { absoluteSource } = await renderMarkdown(source, async (ref) => ({
			href: `/site/${ref.kind}`,
			absolute: `https://o/${ref.kind}`,
		}));
		expect(absoluteSource).toBe('See [a](https://o/link "A title"), ![b](<https://o/image>) and [ref][r].\n\n[r]: https://o/definition');
	});
});

describe('npm run new', () => {
	it('scaffolds a chapter with the next order and a quiz, and the course stays valid', async () => {
		const dir = copyOf(SOURDOUGH);
		const run = (...args: string[]) =>
			spawnSync(process.execPath, ['scripts/new.ts', ...args], { env: { ...process.env, CONTENT_DIR: dir }, encoding: 'utf8' });
		const chapter = run('chapter', 'proofing-basics');
		expect(chapter.status, chapter.stderr).toBe(0);
		expect(chapter.stdout).toContain('70-proofing-basics.md (order 70)');
		expect(run('quiz', 'proofing-basics').status).toBe(0);
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		expect(compiled.chapters.at(-1)?.id).toBe('proofing-basics');
		const scaffolded = compiled.quizzes.find((q) => q.chapterId === 'proofing-basics');
		expect(scaffolded?.questions.map((q) => q.type)).toEqual(['single', 'true_false', 'short', 'numeric']);
		const again = run('chapter', 'proofing-basics');
		expect(again.status).toBe(1);
		expect(again.stderr).toContain('already exists');
		expect(run('quiz', 'no-such-chapter').stderr).toContain('No chapter has id "no-such-chapter"');
	});
});

describe('chapters and quizzes too large for one JSON response', () => {
	it('pages a long chapter automatically: the static JSON carries page 1 and how many pages there are', async () => {
		const dir = copyOf(SOURDOUGH);
		const paragraph = `${'Stretch the dough gently and fold it over itself. '.repeat(40)}\n\n`;
		const sections = Array.from({ length: 14 }, (_, i) => `## Long section ${i + 1}\n\n${paragraph.repeat(4)}`).join('\n');
		const file = path.join(dir, 'chapters/10-starter.md');
		writeFileSync(file, `${readFileSync(file, 'utf8')}\n${sections}`);
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		const chapter = compiled.chapters[0] as CompiledChapter;
		const json = chapterPublic(chapter, true);
		expect(json.sectionPages).toBeGreaterThan(1);
		expect(JSON.stringify(json).length).toBeLessThan(100_000);
		const pages = pageSections(chapter.sections);
		expect(pages).toHaveLength(json.sectionPages as number);
		expect(pages.flat()).toEqual(chapter.sections);
		expect(json.sections).toEqual(pages[0]);
	});

	it('reports a quiz whose JSON ChatGPT could not read, instead of failing the build later', async () => {
		const dir = copyOf(SOURDOUGH);
		const question = (i: number) =>
			`  - id: q-${i}\n    type: true_false\n    prompt: "${'A very long statement about dough. '.repeat(20)}"\n    answer: true\n    explanation: Because.\n`;
		writeFileSync(
			path.join(dir, 'quizzes/starter.yaml'),
			`chapter: starter\nquestions:\n${Array.from({ length: 150 }, (_, i) => question(i)).join('')}`,
		);
		const issues = await problemsOf(dir);
		expect(issues).toHaveLength(1);
		expect(issues[0]?.file).toBe('quizzes/starter.yaml');
		expect(issues[0]?.message).toMatch(
			/the quiz is \d+ characters as JSON; ChatGPT reads at most 99999 characters in one response: a quiz is one response: use fewer or shorter questions/,
		);
	});

	it('pages a chapter whose one section is a single paragraph longer than a JSON file, cutting between sentences', async () => {
		const dir = copyOf(SOURDOUGH);
		const wall = 'The starter rose and fell again overnight, as it does. '.repeat(2_200);
		const file = path.join(dir, 'chapters/10-starter.md');
		writeFileSync(file, `${readFileSync(file, 'utf8')}\n## A very long letter\n\n${wall}\n`);
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		const chapter = compiled.chapters[0] as CompiledChapter;
		const parts = chapter.sections.filter((s) => s.heading === 'A very long letter');
		expect(parts.length).toBeGreaterThan(8);
		for (const part of parts) {
			expect(part.markdown.length).toBeLessThanOrEqual(12_000);
			expect(part.markdown).toMatch(/does\.$/);
		}
		expect(parts.map((p) => p.markdown).join(' ')).toBe(wall.trim());
		expect(JSON.stringify(chapterPublic(chapter, true)).length).toBeLessThan(100_000);
	});

	it('checks course.yaml parts against the chapters, in reading order, and lists them in course.json', async () => {
		const dir = copyOf(SOURDOUGH);
		const courseFile = path.join(dir, 'course.yaml');
		const original = readFileSync(courseFile, 'utf8');
		const withParts = (parts: string) => writeFileSync(courseFile, original.replace(/^tiers:/m, `parts:\n${parts}tiers:`));
		withParts('  - { title: Starters, from: starter }\n  - { title: Later, from: fermentaton }\n');
		const issues = await problemsOf(dir);
		expect(issues.map((i) => [i.file, i.field, i.message])).toEqual([
			['course.yaml', 'parts[1].from', 'no chapter has the id "fermentaton"; did you mean "fermentation"?'],
		]);
		withParts('  - { title: Starters, from: starter }\n  - { title: Later, from: fermentation }\n');
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		const at = compiled.chapters.findIndex((c) => c.id === 'fermentation');
		expect(compiled.course.parts).toEqual([
			{ title: 'Starters', from: 'starter', chapterCount: at },
			{ title: 'Later', from: 'fermentation', chapterCount: compiled.chapters.length - at },
		]);
	}, 120_000);
});

describe('the section that teaches each quiz question', () => {
	it('is picked in the quiz chapter for every question, unless the author names one', async () => {
		const dir = copyOf(SOURDOUGH);
		const quizFile = path.join(dir, 'quizzes/starter.yaml');
		const text = readFileSync(quizFile, 'utf8');
		const named = text.replace(/(\n {4}explanation: )/, '\n    section: feeding-schedule$1');
		writeFileSync(quizFile, named.replace(/^chapter: starter/m, 'chapter: starter\nreveal: always'));
		const compiled = await compileCourse(dir, { rootDir: dir, origin: ORIGIN });
		const quizzes = withTeachingSections(compiled, buildSearchIndexData(compiled));
		for (const quiz of quizzes) {
			const anchors = new Set(compiled.chapters.find((c) => c.id === quiz.chapterId)?.headings.map((h) => h.anchor));
			for (const question of quiz.questions)
				expect(anchors.has(question.teaches?.anchor as string), `${quiz.id}/${question.id}`).toBe(true);
		}
		const starter = quizzes.find((q) => q.id === 'starter');
		expect(starter?.reveal).toBe('always');
		expect(starter?.questions[0]?.teaches).toEqual({ anchor: 'feeding-schedule', heading: 'Feeding Schedule' });
	});

	it('named by the author must exist in the chapter', async () => {
		const dir = copyOf(SOURDOUGH);
		const quizFile = path.join(dir, 'quizzes/starter.yaml');
		writeFileSync(quizFile, readFileSync(quizFile, 'utf8').replace(/(\n {4}explanation: )/, '\n    section: feeding-schedul$1'));
		const issues = await problemsOf(dir);
		expect(issues).toHaveLength(1);
		expect(issues[0]?.message).toMatch(/chapter "starter" has no section "feeding-schedul"; did you mean "feeding-schedule"\?/);
		expect(issues[0]?.field).toBe('questions[0].section');
	});
});
