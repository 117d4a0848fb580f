/**
 * Checks real build output (`astro build`): the static JSON API against its schemas and the ChatGPT size
 * limit, the exact file set, the reading-order chain, the pages, and — the point of the public/private
 * split — that no premium prose, quiz explanation, feedback or answer key reached client/, including
 * Pagefind's compressed index. Every check runs on the build of content/ (dist/, whatever course is
 * there, with expectations taken from compileCourse) and on the demo fixture build; the last block holds
 * what only a course known to have premium chapters and long prose can show (tests/build/builds.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'astro/zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CompiledCourse, compileCourse } from '../../src/content/compile.ts';
import type { PrivateChapter, PrivateManifest } from '../../src/content/emit.ts';
import {
	chapterListPageSchema,
	chapterPublicSchema,
	chapterSummarySchema,
	coursePublicSchema,
	quizListPageSchema,
	quizPublicSchema,
} from '../../src/content/schemas.ts';
import { MAX_JSON_CHARS } from '../../src/content/static-json.ts';
import type { QuizKey } from '../../src/domain/grading.ts';
import {
	haystacks,
	listFilesRecursive,
	markdownSentences,
	type Needle,
	normalizeText,
	readPublicText,
	scanForLeaks,
} from '../helpers/leak-scan.ts';
import { BUILDS, type BuildUnderTest, DEMO_BUILD } from './builds.ts';

const neighbourSchema = z.object({ from: z.string(), chapter: chapterSummarySchema.nullable() });

/** A paged list read from page 1 by its `next` links: every entry, and the files it was read from. */
function readPagedList<T>(
	api: string,
	first: string,
	read: (file: string) => { items: T[]; page: number; pageCount: number; next: string | null },
) {
	const items: T[] = [];
	const files: string[] = [];
	let file: string | null = first;
	let expectedPage = 1;
	while (file) {
		const page = read(path.join(api, file));
		expect(page.page).toBe(expectedPage);
		items.push(...page.items);
		files.push(file);
		file = page.next ? page.next.replace(/^\/api\/v1\//, '') : null;
		if (file) expect(page.pageCount).toBeGreaterThan(page.page);
		else expect(page.pageCount).toBe(page.page);
		expectedPage++;
	}
	return { items, files };
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** True when `text` (any markup, escaping) reads as containing `needle`. */
function readsAs(text: string, needle: string): boolean {
	const n = normalizeText(needle);
	return haystacks(text).some((h) => h.includes(n));
}

/** Answer-key fields as they would appear in JSON or in data embedded in a page. */
const ANSWER_KEY_FIELDS = [
	'correct',
	'correctOptions',
	'correctAnswer',
	'explanation',
	'feedback',
	'answer',
	'accept',
	'tolerance',
] as const;
const answerKeyFieldsIn = (text: string) =>
	new Set(
		[...text.matchAll(/"(correct|correctOptions|correctAnswer|explanation|feedback|answer|accept|tolerance)"\s*:/g)].map(
			(m) => m[1] as string,
		),
	);

/** One build, read once: its files, its private artifact, and the course it was built from. */
interface Build {
	client: string;
	private: string;
	api: string;
	compiled: CompiledCourse;
	manifest: PrivateManifest;
	/** The manifest's chapters in reading order. */
	chapters: PrivateManifest['chapters'];
	freeChapters: PrivateManifest['chapters'];
	premiumChapters: PrivateManifest['chapters'];
	clientFiles: string[];
	rel(file: string): string;
	privateChapter(id: string): PrivateChapter;
	privateQuiz(id: string): QuizKey;
}

async function loadBuild(target: BuildUnderTest): Promise<Build> {
	const client = path.join(target.dist, 'client');
	const privateDir = path.join(target.dist, 'private');
	if (!existsSync(path.join(client, 'index.html')) || !existsSync(path.join(privateDir, 'manifest.json'))) {
		throw new Error(
			`No build output in ${target.dist} (need client/index.html and private/manifest.json): ` +
				(target === DEMO_BUILD ? "vitest's globalSetup builds it (tests/helpers/fixture-build.ts)." : 'run `npm run build` first.'),
		);
	}
	const manifest = readJson(path.join(privateDir, 'manifest.json')) as PrivateManifest;
	const chapters = [...manifest.chapters].sort((a, b) => a.order - b.order);
	return {
		client,
		private: privateDir,
		api: path.join(client, 'api', 'v1'),
		compiled: await compileCourse(target.contentDir),
		manifest,
		chapters,
		freeChapters: chapters.filter((c) => c.tier === 'free'),
		premiumChapters: chapters.filter((c) => c.tier !== 'free'),
		clientFiles: listFilesRecursive(client),
		rel: (file) => path.relative(client, file).split(path.sep).join('/'),
		privateChapter: (id) => readJson(path.join(privateDir, 'chapters', `${id}.json`)) as PrivateChapter,
		privateQuiz: (id) => readJson(path.join(privateDir, 'quizzes', `${id}.json`)) as QuizKey,
	};
}

/** Parses with the schema and checks nothing was dropped: the file holds exactly the schema's fields. */
function parseExactly<T>(b: Build, schema: z.ZodType<T>, file: string): T {
	const raw = readJson(file);
	const result = schema.safeParse(raw);
	if (!result.success) throw new Error(`${b.rel(file)} does not match its schema: ${z.prettifyError(result.error)}`);
	expect(result.data, `${b.rel(file)} has fields its schema does not define`).toEqual(raw);
	return result.data;
}

/** Text that is public by design (metadata, free chapters, free quiz questions): a needle found here is no leak. */
function publicSources(b: Build): string[] {
	const freeQuizText = b.manifest.quizzes
		.filter((q) => q.tier === 'free')
		.flatMap((q) => b.privateQuiz(q.id).questions.flatMap((x) => [x.prompt, ...x.options.map((o) => o.text)]));
	const freeBodies = b.freeChapters.flatMap((c) => b.privateChapter(c.id).sections.map((s) => s.markdown));
	return [JSON.stringify(b.manifest), ...freeBodies, ...freeQuizText];
}

function publicCorpus(b: Build): string {
	return publicSources(b)
		.flatMap((t) => haystacks(t))
		.join('\n');
}

function premiumNeedles(b: Build): Needle[] {
	return b.premiumChapters.flatMap((c) =>
		b
			.privateChapter(c.id)
			.sections.flatMap((s) =>
				markdownSentences(s.markdown, 60).map((text) => ({ source: `private/chapters/${c.id}.json § ${s.heading}`, text })),
			),
	);
}

/** Explanations and feedback of every quiz (they are revealed only after grading), and premium quiz questions. */
function quizNeedles(b: Build): Needle[] {
	return b.manifest.quizzes.flatMap((q) => {
		const key = b.privateQuiz(q.id);
		return key.questions.flatMap((x) => [
			...markdownSentences(x.explanation, 30).map((text) => ({ source: `private/quizzes/${q.id}.json ${x.id} explanation`, text })),
			...(x.explanation.length >= 30 ? [{ source: `private/quizzes/${q.id}.json ${x.id} explanation`, text: x.explanation }] : []),
			...Object.entries(x.feedback)
				.filter(([, text]) => text.length >= 30)
				.map(([option, text]) => ({ source: `private/quizzes/${q.id}.json ${x.id} feedback[${option}]`, text })),
			...(q.tier === 'free' || x.prompt.length < 40
				? []
				: [{ source: `private/quizzes/${q.id}.json ${x.id} prompt (premium)`, text: x.prompt }]),
		]);
	});
}

/** The leak scan's needles, less those that are public by design. */
function leakNeedles(b: Build) {
	const corpus = publicCorpus(b);
	const isPublicByDesign = (n: Needle) => corpus.includes(normalizeText(n.text));
	const premium = premiumNeedles(b);
	const quiz = quizNeedles(b);
	return {
		premium,
		quiz,
		skipped: [...premium, ...quiz].filter(isPublicByDesign),
		checked: [...premium, ...quiz].filter((n) => !isPublicByDesign(n)),
	};
}

/** Sentences of 60+ characters from a free chapter's body: the positive control looks for each in every public form of the chapter. */
function freeChapterNeedles(b: Build, id: string): Needle[] {
	return b.privateChapter(id).sections.flatMap((s) => markdownSentences(s.markdown, 60).map((text) => ({ source: id, text })));
}

describe.each(BUILDS)('$name', (target) => {
	let b: Build;
	beforeAll(async () => {
		b = await loadBuild(target);
	});

	describe('the course it was built from', () => {
		it(`is the course in ${path.relative(process.cwd(), target.contentDir)} as it is now: same course, chapters, order, tiers, bodies and quizzes`, () => {
			const { compiled, manifest } = b;
			expect(compiled.chapters.length).toBeGreaterThan(0);
			expect(manifest.course, 'course.json metadata (rebuild after changing the course)').toEqual(compiled.course);
			const outline = (c: { id: string; title: string; order: number; tier: string; summary: string; objectives: string[] }) => ({
				id: c.id,
				title: c.title,
				order: c.order,
				tier: c.tier,
				summary: c.summary,
				objectives: c.objectives,
			});
			expect(b.chapters.map(outline)).toEqual(compiled.chapters.map(outline));
			expect(b.chapters.map((c) => c.headings)).toEqual(compiled.chapters.map((c) => c.headings));
			for (const c of compiled.chapters) expect(b.privateChapter(c.id).sections, c.id).toEqual(c.sections);
			expect(manifest.quizzes.map((q) => [q.id, q.chapterId, q.tier, q.questionCount])).toEqual(
				compiled.quizzes.map((q) => [q.id, q.chapterId, q.tier, q.questions.length]),
			);
			for (const q of compiled.quizzes) {
				expect(
					b.privateQuiz(q.id).questions.map((x) => [x.id, x.correct]),
					q.id,
				).toEqual(q.questions.map((x) => [x.id, x.correct]));
			}
		});
	});

	describe('the public/private split', () => {
		it('keeps private/ outside client/, and no private artifact file in the public tree', () => {
			const fromClient = path.relative(b.client, b.private);
			expect(fromClient.startsWith('..') && !path.isAbsolute(fromClient)).toBe(true);
			const names = b.clientFiles.map(b.rel);
			expect(names.filter((n) => /(^|\/)(private|manifest\.json|search-index\.(?:json|bin))(\/|$)/.test(n))).toEqual([]);
		});
	});

	describe('static JSON API (client/api/v1)', () => {
		it('holds exactly the expected files: one per chapter (+ next/previous), and quizzes for free quizzes only', () => {
			const pageFiles = (list: 'chapters' | 'quizzes') => {
				const { pageCount } = readJson(path.join(b.api, `${list}.json`)) as { pageCount: number };
				return Array.from({ length: pageCount }, (_, i) => `${list}/pages/${i + 1}.json`);
			};
			const freeQuizzes = b.compiled.quizzes.filter((q) => q.tier === 'free');
			const expected = [
				'course.json',
				'chapters.json',
				'quizzes.json',
				...pageFiles('chapters'),
				...pageFiles('quizzes'),
				...b.compiled.chapters.flatMap((c) => [`chapters/${c.id}.json`, `chapters/${c.id}/next.json`, `chapters/${c.id}/previous.json`]),
				...freeQuizzes.map((q) => `quizzes/${q.id}.json`),
			].sort();
			const actual = listFilesRecursive(b.api)
				.map((f) => path.relative(b.api, f).split(path.sep).join('/'))
				.sort();
			expect(actual).toEqual(expected);
		});

		it('parses every file against its schema in src/content/schemas.ts, with no extra fields', () => {
			const { api, chapters, manifest } = b;
			expect(parseExactly(b, coursePublicSchema, path.join(api, 'course.json'))).toEqual(manifest.course);
			// The lists are paged: page 1 is chapters.json (and pages/1.json), `next` links the rest.
			const list = readPagedList(api, 'chapters.json', (f) => {
				const page = parseExactly(b, chapterListPageSchema, f);
				return { ...page, items: page.chapters };
			});
			expect(list.items.map((c) => c.id)).toEqual(chapters.map((c) => c.id));
			expect(readJson(path.join(api, 'chapters/pages/1.json'))).toEqual(readJson(path.join(api, 'chapters.json')));
			const quizList = readPagedList(api, 'quizzes.json', (f) => {
				const page = parseExactly(b, quizListPageSchema, f);
				return { ...page, items: page.quizzes };
			});
			expect(quizList.items).toEqual(manifest.quizzes);
			expect(readJson(path.join(api, 'quizzes/pages/1.json'))).toEqual(readJson(path.join(api, 'quizzes.json')));
			for (const c of chapters) {
				parseExactly(b, chapterPublicSchema, path.join(api, 'chapters', `${c.id}.json`));
				parseExactly(b, neighbourSchema, path.join(api, 'chapters', c.id, 'next.json'));
				parseExactly(b, neighbourSchema, path.join(api, 'chapters', c.id, 'previous.json'));
			}
			for (const q of manifest.quizzes.filter((x) => x.tier === 'free')) {
				const quiz = parseExactly(b, quizPublicSchema, path.join(api, 'quizzes', `${q.id}.json`));
				const key = b.privateQuiz(q.id);
				expect(quiz.questions.map((x) => x.id)).toEqual(key.questions.map((x) => x.id));
				expect(quiz.questionCount).toBe(key.questions.length);
			}
		});

		it('keeps every JSON file under client/ below ChatGPT’s 100,000-character limit', () => {
			const json = b.clientFiles.filter((f) => f.endsWith('.json'));
			expect(json.length).toBeGreaterThan(b.chapters.length * 3);
			const sizes = json.map((f) => ({ file: b.rel(f), chars: readFileSync(f, 'utf8').length }));
			const largest = sizes.reduce((x, y) => (y.chars > x.chars ? y : x));
			console.info(`JSON files: ${json.length}; largest ${largest.file} at ${largest.chars} characters (limit ${MAX_JSON_CHARS})`);
			expect(sizes.filter((s) => s.chars >= MAX_JSON_CHARS)).toEqual([]);
		});

		it('gives free chapters their sections and premium chapters none (locked)', () => {
			for (const c of b.chapters) {
				const json = chapterPublicSchema.parse(readJson(path.join(b.api, 'chapters', `${c.id}.json`)));
				if (c.tier === 'free') {
					expect(json.locked, c.id).toBe(false);
					expect(json.sections, c.id).toEqual(b.compiled.chapters.find((x) => x.id === c.id)?.sections);
					expect(json.sections).toEqual(b.privateChapter(c.id).sections);
					expect(json).toEqual({ ...c, locked: false, sections: json.sections });
				} else {
					expect(json.locked, c.id).toBe(true);
					expect('sections' in json, c.id).toBe(false);
					expect(json).toEqual(c);
				}
			}
		});

		it('chains next from the first chapter through every chapter exactly once, and previous mirrors next', () => {
			const neighbour = (id: string, dir: 'next' | 'previous') =>
				neighbourSchema.parse(readJson(path.join(b.api, 'chapters', id, `${dir}.json`)));
			const first = b.compiled.chapters[0];
			expect(first, 'a first chapter').toBeDefined();
			const visited: string[] = [];
			let id: string | null = first?.id ?? null;
			while (id !== null && visited.length <= b.chapters.length) {
				visited.push(id);
				const next = neighbour(id, 'next');
				expect(next.from).toBe(id);
				if (next.chapter) {
					const back = neighbour(next.chapter.id, 'previous');
					expect(back.chapter?.id, `previous of ${next.chapter.id}`).toBe(id);
				}
				id = next.chapter?.id ?? null;
			}
			expect(visited).toEqual(b.compiled.chapters.map((c) => c.id));
			expect(neighbour(visited[0] as string, 'previous').chapter).toBeNull();
		});
	});

	describe('pages', () => {
		const page = (...p: string[]) => path.join(b.client, ...p);

		it('exist for the home page, every chapter, every quiz, search, 404, sitemap and robots.txt', () => {
			const expected = [
				'index.html',
				'search/index.html',
				'404.html',
				'sitemap-index.xml',
				'robots.txt',
				...b.compiled.chapters.map((c) => `chapters/${c.id}/index.html`),
				...b.compiled.quizzes.map((q) => `quizzes/${q.id}/index.html`),
			];
			expect(expected.filter((f) => !existsSync(page(f)))).toEqual([]);
		});

		it('lists every chapter in the sitemap, and robots.txt points to the sitemap', () => {
			const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] as string).pathname);
			const sitemaps = locs(readFileSync(page('sitemap-index.xml'), 'utf8'));
			expect(sitemaps.length).toBeGreaterThan(0);
			const urls = sitemaps.flatMap((s) => locs(readFileSync(page(s), 'utf8')));
			expect(b.compiled.chapters.map((c) => `/chapters/${c.id}/`).filter((u) => !urls.includes(u))).toEqual([]);
			// and nothing a visitor cannot read signed out (instructor, account, team pages redirect to sign-in)
			expect(urls.filter((u) => !/^\/(?:(?:chapters|quizzes)\/[^/]+\/|search\/|privacy\/)?$/.test(u))).toEqual([]);
			expect(readFileSync(page('robots.txt'), 'utf8')).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap-index\.xml$/m);
		});

		it('show premium chapters’ title, summary, objectives and the lock, but not the body', () => {
			for (const c of b.premiumChapters) {
				const html = readFileSync(page('chapters', c.id, 'index.html'), 'utf8');
				expect(readsAs(html, c.title), c.id).toBe(true);
				expect(readsAs(html, c.summary), c.id).toBe(true);
				for (const o of c.objectives) expect(readsAs(html, o), `${c.id}: ${o}`).toBe(true);
				expect(html).toContain('data-paywall');
				expect(html).not.toContain('class="prose"');
				const anchors = c.headings.filter((h) => h.depth === 2 || h.depth === 3).map((h) => `id="${h.anchor}"`);
				expect(
					anchors.filter((a) => html.includes(a)),
					c.id,
				).toEqual([]);
			}
		});

		it('show free chapters’ body and no lock', () => {
			for (const c of b.freeChapters) {
				const html = readFileSync(page('chapters', c.id, 'index.html'), 'utf8');
				expect(html).toContain('class="prose"');
				expect(html).not.toContain('data-paywall');
			}
		});
	});

	describe('leak scan of everything under client/', () => {
		it('finds no premium chapter sentence, explanation, feedback or premium question in any public file', () => {
			const { premium, quiz, skipped, checked } = leakNeedles(b);
			const result = scanForLeaks(b.clientFiles, checked);
			const pagefind = b.clientFiles.filter((f) => b.rel(f).startsWith('pagefind/'));
			console.info(
				`leak scan (${target.name}): ${result.filesScanned} files (${pagefind.length} Pagefind), ${result.bytesScanned} bytes after decompression; ` +
					`${premium.length} premium sentences from ${b.premiumChapters.length} chapters, ${quiz.length} quiz texts; ` +
					`${skipped.length} skipped as also public by design; ${checked.length} checked`,
			);
			expect(result.leaks.map((l) => `${b.rel(l.file)} contains ${l.source}: "${l.text.slice(0, 80)}…"`)).toEqual([]);
		});

		it('finds no answer-key field in any public file', () => {
			// A field name the course itself shows in a free chapter or question (a JSON example, say) is public by design in text;
			// JSON structure is checked with no exception.
			const inPublicText = new Set(publicSources(b).flatMap((t) => [...answerKeyFieldsIn(t)]));
			const forbidden = new Set<string>(ANSWER_KEY_FIELDS);
			const found: string[] = [];
			const walk = (value: unknown, file: string): void => {
				if (Array.isArray(value)) for (const v of value) walk(v, file);
				else if (value && typeof value === 'object') {
					for (const [k, v] of Object.entries(value)) {
						if (forbidden.has(k)) found.push(`${file}: key "${k}"`);
						walk(v, file);
					}
				}
			};
			for (const file of b.clientFiles) {
				const text = readPublicText(file);
				const inText = [...answerKeyFieldsIn(text)].filter((k) => !inPublicText.has(k));
				if (inText.length > 0) found.push(`${b.rel(file)}: an answer-key field ("${inText.join('", "')}": …) in the text`);
				if (/\sdata-(?:correct|answer)\b/.test(text)) found.push(`${b.rel(file)}: data-correct/answer attribute`);
				if (file.endsWith('.json') || file.endsWith('.pf_fragment')) {
					try {
						walk(JSON.parse(text), b.rel(file));
					} catch {
						found.push(`${b.rel(file)}: not valid JSON after decompression`);
					}
				}
			}
			expect(found).toEqual([]);
		});

		it('indexes free chapters with their text and premium chapters by title and summary only', () => {
			const fragments = b.clientFiles
				.filter((f) => f.endsWith('.pf_fragment'))
				.map((f) => JSON.parse(readPublicText(f)) as { url: string; content: string; meta: { title?: string } });
			const urls = fragments.map((f) => f.url).sort();
			expect(urls).toEqual(b.compiled.chapters.map((c) => `/chapters/${c.id}/`).sort());
			for (const c of b.premiumChapters) {
				const fragment = fragments.find((f) => f.url === `/chapters/${c.id}/`);
				expect(fragment?.meta.title).toBe(c.title);
				const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
				// Nothing but the title and the summary: no objectives, no lock notice, no body.
				expect(words(fragment?.content ?? '')).toBe(words(`${c.title}. ${c.summary}`));
			}
		});

		it('does find free chapter text in the page, the JSON and the Pagefind fragment (the scanner can see through every format)', () => {
			const fragments = b.clientFiles.filter((f) => f.endsWith('.pf_fragment'));
			let checked = 0;
			for (const c of b.freeChapters) {
				const needles = freeChapterNeedles(b, c.id);
				const fragment = fragments.filter((f) => readPublicText(f).includes(`"url":"/chapters/${c.id}/"`));
				expect(fragment).toHaveLength(1);
				for (const file of [
					path.join(b.client, 'chapters', c.id, 'index.html'),
					path.join(b.api, 'chapters', `${c.id}.json`),
					...fragment,
				]) {
					const found = new Set(scanForLeaks([file], needles).leaks.map((l) => l.text));
					expect(needles.filter((n) => !found.has(n.text)).map((n) => `${b.rel(file)} lacks: ${n.text}`)).toEqual([]);
					checked += needles.length;
				}
			}
			console.info(`positive control (${target.name}): ${checked} free-chapter sentence lookups, all found`);
		});
	});
});

/**
 * The demo course is known to have free and premium chapters, free and premium quizzes, and long prose
 * in every chapter: on its build, the checks above are shown to have something to find.
 */
describe('the demo fixture build gives the checks above something to check', () => {
	let b: Build;
	beforeAll(async () => {
		b = await loadBuild(DEMO_BUILD);
	});

	it('has free and premium chapters, and free and premium quizzes', () => {
		expect(b.freeChapters.length).toBeGreaterThan(0);
		expect(b.premiumChapters.length).toBeGreaterThan(0);
		const freeQuizzes = b.manifest.quizzes.filter((q) => q.tier === 'free');
		expect(freeQuizzes.length).toBeGreaterThan(0);
		expect(freeQuizzes.length).toBeLessThan(b.manifest.quizzes.length);
		for (const c of b.freeChapters) expect(b.privateChapter(c.id).sections.length, c.id).toBeGreaterThan(0);
	});

	it('the leak scan checks at least 10 sentences from every premium chapter', () => {
		const { checked } = leakNeedles(b);
		for (const c of b.premiumChapters) {
			expect(checked.filter((n) => n.source.includes(`/chapters/${c.id}.json`)).length, `sentences from ${c.id}`).toBeGreaterThanOrEqual(
				10,
			);
		}
	});

	it('the positive control looks for more than 5 sentences from every free chapter', () => {
		for (const c of b.freeChapters) expect(freeChapterNeedles(b, c.id).length, c.id).toBeGreaterThan(5);
	});
});
