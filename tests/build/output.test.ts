/**
 * Checks the real build output (`npx astro build` → dist/): the static JSON API against its schemas and
 * the ChatGPT size limit, the exact file set, the reading-order chain, the pages, and — the point of the
 * public/private split — that no premium prose, quiz explanation, feedback or answer key reached dist/client,
 * including Pagefind's compressed index.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'astro/zod';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QuizKey } from '../../src/domain/grading.ts';
import type { PrivateChapter, PrivateManifest } from '../../src/content/emit.ts';
import {
	chapterPublicSchema,
	chapterSummarySchema,
	coursePublicSchema,
	quizPublicSchema,
	quizSummarySchema,
} from '../../src/content/schemas.ts';
import { MAX_JSON_CHARS } from '../../src/content/static-json.ts';
import {
	haystacks,
	listFilesRecursive,
	markdownSentences,
	type Needle,
	normalizeText,
	readPublicText,
	scanForLeaks,
} from '../helpers/leak-scan.ts';

const DIST_DIR = path.resolve(process.env.TEST_DIST_DIR ?? 'dist');
const CLIENT = path.join(DIST_DIR, 'client');
const PRIVATE = path.join(DIST_DIR, 'private');
const API = path.join(CLIENT, 'api', 'v1');

const neighbourSchema = z.object({ from: z.string(), chapter: chapterSummarySchema.nullable() });
const chapterListSchema = z.object({ chapters: z.array(chapterSummarySchema) });
const quizListSchema = z.object({ quizzes: z.array(quizSummarySchema) });

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const rel = (file: string) => path.relative(CLIENT, file).split(path.sep).join('/');

/** Parses with the schema and checks nothing was dropped: the file holds exactly the schema's fields. */
function parseExactly<T>(schema: z.ZodType<T>, file: string): T {
	const raw = readJson(file);
	const result = schema.safeParse(raw);
	if (!result.success) throw new Error(`${rel(file)} does not match its schema: ${z.prettifyError(result.error)}`);
	expect(result.data, `${rel(file)} has fields its schema does not define`).toEqual(raw);
	return result.data;
}

/** True when `text` (any markup, escaping) reads as containing `needle`. */
function readsAs(text: string, needle: string): boolean {
	const n = normalizeText(needle);
	return haystacks(text).some((h) => h.includes(n));
}

let manifest: PrivateManifest;
let clientFiles: string[];
let chapters: PrivateManifest['chapters'];
let freeChapters: PrivateManifest['chapters'];
let premiumChapters: PrivateManifest['chapters'];
const privateChapter = (id: string) => readJson(path.join(PRIVATE, 'chapters', `${id}.json`)) as PrivateChapter;
const privateQuiz = (id: string) => readJson(path.join(PRIVATE, 'quizzes', `${id}.json`)) as QuizKey;

beforeAll(() => {
	if (!existsSync(path.join(CLIENT, 'index.html')) || !existsSync(path.join(PRIVATE, 'manifest.json'))) {
		throw new Error(
			`No build output in ${DIST_DIR} (need client/index.html and private/manifest.json): run \`npx astro build\` first, ` +
				'or point TEST_DIST_DIR at a build.',
		);
	}
	manifest = readJson(path.join(PRIVATE, 'manifest.json')) as PrivateManifest;
	chapters = [...manifest.chapters].sort((a, b) => a.order - b.order);
	freeChapters = chapters.filter((c) => c.tier === 'free');
	premiumChapters = chapters.filter((c) => c.tier !== 'free');
	clientFiles = listFilesRecursive(CLIENT);
	// The leak scan means little if nothing is premium; the demo course has both kinds.
	expect(freeChapters.length).toBeGreaterThan(0);
	expect(premiumChapters.length).toBeGreaterThan(0);
});

describe('the public/private split', () => {
	it('keeps dist/private outside dist/client, and no private artifact file in the public tree', () => {
		const fromClient = path.relative(CLIENT, PRIVATE);
		expect(fromClient.startsWith('..') && !path.isAbsolute(fromClient)).toBe(true);
		const names = clientFiles.map(rel);
		expect(names.filter((n) => /(^|\/)(private|manifest\.json|search-index\.json)(\/|$)/.test(n))).toEqual([]);
	});
});

describe('static JSON API (dist/client/api/v1)', () => {
	it('holds exactly the expected files: one per chapter (+ next/previous), and quizzes for free quizzes only', () => {
		const freeQuizzes = manifest.quizzes.filter((q) => q.tier === 'free');
		expect(freeQuizzes.length).toBeGreaterThan(0);
		expect(freeQuizzes.length).toBeLessThan(manifest.quizzes.length);
		const expected = [
			'course.json',
			'chapters.json',
			'quizzes.json',
			...chapters.flatMap((c) => [`chapters/${c.id}.json`, `chapters/${c.id}/next.json`, `chapters/${c.id}/previous.json`]),
			...freeQuizzes.map((q) => `quizzes/${q.id}.json`),
		].sort();
		const actual = listFilesRecursive(API)
			.map((f) => path.relative(API, f).split(path.sep).join('/'))
			.sort();
		expect(actual).toEqual(expected);
	});

	it('parses every file against its schema in src/content/schemas.ts, with no extra fields', () => {
		expect(parseExactly(coursePublicSchema, path.join(API, 'course.json'))).toEqual(manifest.course);
		const list = parseExactly(chapterListSchema, path.join(API, 'chapters.json'));
		expect(list.chapters.map((c) => c.id)).toEqual(chapters.map((c) => c.id));
		const quizList = parseExactly(quizListSchema, path.join(API, 'quizzes.json'));
		expect(quizList.quizzes).toEqual(manifest.quizzes);
		for (const c of chapters) {
			parseExactly(chapterPublicSchema, path.join(API, 'chapters', `${c.id}.json`));
			parseExactly(neighbourSchema, path.join(API, 'chapters', c.id, 'next.json'));
			parseExactly(neighbourSchema, path.join(API, 'chapters', c.id, 'previous.json'));
		}
		for (const q of manifest.quizzes.filter((x) => x.tier === 'free')) {
			const quiz = parseExactly(quizPublicSchema, path.join(API, 'quizzes', `${q.id}.json`));
			const key = privateQuiz(q.id);
			expect(quiz.questions.map((x) => x.id)).toEqual(key.questions.map((x) => x.id));
			expect(quiz.questionCount).toBe(key.questions.length);
		}
	});

	it('keeps every JSON file under dist/client below ChatGPT’s 100,000-character limit', () => {
		const json = clientFiles.filter((f) => f.endsWith('.json'));
		expect(json.length).toBeGreaterThan(chapters.length * 3);
		const sizes = json.map((f) => ({ file: rel(f), chars: readFileSync(f, 'utf8').length }));
		const largest = sizes.reduce((a, b) => (b.chars > a.chars ? b : a));
		console.info(`JSON files: ${json.length}; largest ${largest.file} at ${largest.chars} characters (limit ${MAX_JSON_CHARS})`);
		expect(sizes.filter((s) => s.chars >= MAX_JSON_CHARS)).toEqual([]);
	});

	it('gives free chapters their sections and premium chapters none (locked)', () => {
		for (const c of chapters) {
			const json = chapterPublicSchema.parse(readJson(path.join(API, 'chapters', `${c.id}.json`)));
			if (c.tier === 'free') {
				expect(json.locked, c.id).toBe(false);
				expect(json.sections?.length, c.id).toBeGreaterThan(0);
				expect(json.sections).toEqual(privateChapter(c.id).sections);
				expect(json).toEqual({ ...c, locked: false, sections: json.sections });
			} else {
				expect(json.locked, c.id).toBe(true);
				expect('sections' in json, c.id).toBe(false);
				expect(json).toEqual(c);
			}
		}
	});

	it('chains next from order 1 through every chapter exactly once, and previous mirrors next', () => {
		const neighbour = (id: string, dir: 'next' | 'previous') =>
			neighbourSchema.parse(readJson(path.join(API, 'chapters', id, `${dir}.json`)));
		const first = chapters.find((c) => c.order === 1);
		expect(first, 'a chapter with order 1').toBeDefined();
		const visited: string[] = [];
		let id: string | null = first?.id ?? null;
		while (id !== null && visited.length <= chapters.length) {
			visited.push(id);
			const next = neighbour(id, 'next');
			expect(next.from).toBe(id);
			if (next.chapter) {
				const back = neighbour(next.chapter.id, 'previous');
				expect(back.chapter?.id, `previous of ${next.chapter.id}`).toBe(id);
			}
			id = next.chapter?.id ?? null;
		}
		expect(visited).toEqual(chapters.map((c) => c.id));
		expect(neighbour(visited[0] as string, 'previous').chapter).toBeNull();
	});
});

describe('pages', () => {
	const page = (...p: string[]) => path.join(CLIENT, ...p);

	it('exist for the home page, every chapter, every quiz, search, 404, sitemap and robots.txt', () => {
		const expected = [
			'index.html',
			'search/index.html',
			'404.html',
			'sitemap-index.xml',
			'robots.txt',
			...chapters.map((c) => `chapters/${c.id}/index.html`),
			...manifest.quizzes.map((q) => `quizzes/${q.id}/index.html`),
		];
		expect(expected.filter((f) => !existsSync(page(f)))).toEqual([]);
	});

	it('lists every chapter in the sitemap, and robots.txt points to the sitemap', () => {
		const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] as string).pathname);
		const sitemaps = locs(readFileSync(page('sitemap-index.xml'), 'utf8'));
		expect(sitemaps.length).toBeGreaterThan(0);
		const urls = sitemaps.flatMap((s) => locs(readFileSync(page(s), 'utf8')));
		expect(chapters.map((c) => `/chapters/${c.id}/`).filter((u) => !urls.includes(u))).toEqual([]);
		expect(readFileSync(page('robots.txt'), 'utf8')).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap-index\.xml$/m);
	});

	it('show premium chapters’ title, summary, objectives and the lock, but not the body', () => {
		for (const c of premiumChapters) {
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
		for (const c of freeChapters) {
			const html = readFileSync(page('chapters', c.id, 'index.html'), 'utf8');
			expect(html).toContain('class="prose"');
			expect(html).not.toContain('data-paywall');
		}
	});
});

describe('leak scan of everything under dist/client', () => {
	/** Text that is public by design (metadata, free chapters, free quiz questions): a needle found here is no leak. */
	function publicCorpus(): string {
		const freeQuizText = manifest.quizzes
			.filter((q) => q.tier === 'free')
			.flatMap((q) => privateQuiz(q.id).questions.flatMap((x) => [x.prompt, ...x.options.map((o) => o.text)]));
		const freeBodies = freeChapters.flatMap((c) => privateChapter(c.id).sections.map((s) => s.markdown));
		return [JSON.stringify(manifest), ...freeBodies, ...freeQuizText].flatMap((t) => haystacks(t)).join('\n');
	}

	function premiumNeedles(): Needle[] {
		return premiumChapters.flatMap((c) =>
			privateChapter(c.id).sections.flatMap((s) =>
				markdownSentences(s.markdown, 60).map((text) => ({ source: `private/chapters/${c.id}.json § ${s.heading}`, text })),
			),
		);
	}

	/** Explanations and feedback of every quiz (they are revealed only after grading), and premium quiz questions. */
	function quizNeedles(): Needle[] {
		return manifest.quizzes.flatMap((q) => {
			const key = privateQuiz(q.id);
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

	it('finds no premium chapter sentence, explanation, feedback or premium question in any public file', () => {
		const corpus = publicCorpus();
		const isPublicByDesign = (n: Needle) => corpus.includes(normalizeText(n.text));
		const premium = premiumNeedles();
		const quiz = quizNeedles();
		const skipped = [...premium, ...quiz].filter(isPublicByDesign);
		const needles = [...premium, ...quiz].filter((n) => !isPublicByDesign(n));
		for (const c of premiumChapters) {
			expect(needles.filter((n) => n.source.includes(`/chapters/${c.id}.json`)).length, `sentences from ${c.id}`).toBeGreaterThanOrEqual(
				10,
			);
		}
		const result = scanForLeaks(clientFiles, needles);
		const pagefind = clientFiles.filter((f) => rel(f).startsWith('pagefind/'));
		console.info(
			`leak scan: ${result.filesScanned} files (${pagefind.length} Pagefind), ${result.bytesScanned} bytes after decompression; ` +
				`${premium.length} premium sentences from ${premiumChapters.length} chapters, ${quiz.length} quiz texts; ` +
				`${skipped.length} skipped as also public by design; ${needles.length} checked`,
		);
		expect(result.leaks.map((l) => `${rel(l.file)} contains ${l.source}: "${l.text.slice(0, 80)}…"`)).toEqual([]);
	});

	it('finds no answer-key field in any public file', () => {
		const forbidden = new Set(['correct', 'correctOptions', 'explanation', 'feedback', 'answer']);
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
		for (const file of clientFiles) {
			const text = readPublicText(file);
			if (/"(?:correct|correctOptions|explanation|feedback|answer)"\s*:/.test(text))
				found.push(`${rel(file)}: an answer-key field ("correct": …) in the text`);
			if (/\sdata-(?:correct|answer)\b/.test(text)) found.push(`${rel(file)}: data-correct/answer attribute`);
			if (file.endsWith('.json') || file.endsWith('.pf_fragment')) {
				try {
					walk(JSON.parse(text), rel(file));
				} catch {
					found.push(`${rel(file)}: not valid JSON after decompression`);
				}
			}
		}
		expect(found).toEqual([]);
	});

	it('indexes free chapters with their text and premium chapters by title and summary only', () => {
		const fragments = clientFiles
			.filter((f) => f.endsWith('.pf_fragment'))
			.map((f) => JSON.parse(readPublicText(f)) as { url: string; content: string; meta: { title?: string } });
		const urls = fragments.map((f) => f.url).sort();
		expect(urls).toEqual(chapters.map((c) => `/chapters/${c.id}/`).sort());
		for (const c of chapters.filter((x) => x.tier !== 'free')) {
			const fragment = fragments.find((f) => f.url === `/chapters/${c.id}/`);
			expect(fragment?.meta.title).toBe(c.title);
			const words = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
			// Nothing but the title and the summary: no objectives, no lock notice, no body.
			expect(words(fragment?.content ?? '')).toBe(words(`${c.title}. ${c.summary}`));
		}
	});

	it('does find free chapter text in the page, the JSON and the Pagefind fragment (the scanner can see through every format)', () => {
		const fragments = clientFiles.filter((f) => f.endsWith('.pf_fragment'));
		let checked = 0;
		for (const c of freeChapters) {
			const needles = privateChapter(c.id).sections.flatMap((s) =>
				markdownSentences(s.markdown, 60).map((text) => ({ source: c.id, text })),
			);
			expect(needles.length).toBeGreaterThan(5);
			const fragment = fragments.filter((f) => readPublicText(f).includes(`"url":"/chapters/${c.id}/"`));
			expect(fragment).toHaveLength(1);
			for (const file of [path.join(CLIENT, 'chapters', c.id, 'index.html'), path.join(API, 'chapters', `${c.id}.json`), ...fragment]) {
				const found = new Set(scanForLeaks([file], needles).leaks.map((l) => l.text));
				expect(needles.filter((n) => !found.has(n.text)).map((n) => `${rel(file)} lacks: ${n.text}`)).toEqual([]);
				checked += needles.length;
			}
		}
		console.info(`positive control: ${checked} free-chapter sentence lookups, all found`);
	});
});
