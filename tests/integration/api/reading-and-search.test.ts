/**
 * Reading aids and the learner's search page through the real production server (scripts/serve.ts):
 * a signed-in learner's `/` and `/search` are server-rendered (Continue, the same search engine as the
 * API with the learner's tier), visitors keep the static pages (Pagefind), the sidebar marks what the
 * learner did, and search results deep-link to ids that exist on the chapter page.
 * Queries come from the build's private artifact, so nothing here names the course's text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateChapter, PrivateManifest } from '../../../src/content/artifact.ts';
import { lockedTitle } from '../../../src/content/lock-text.ts';
import { nextStepUrl } from '../../../src/content/urls.ts';
import { stripMarkdown } from '../../../src/search/text.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { textOf } from '../../helpers/html.ts';
import { type Client, DIST_DIR } from '../../helpers/server.ts';
import {
	type ApiServer,
	correctAnswers,
	type Learner,
	quizKey,
	registerLearner,
	registerPremium,
	signInAdmin,
	startApiServer,
} from './fixtures.ts';

const manifest = JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'manifest.json'), 'utf8')) as PrivateManifest;
const privateChapter = (id: string) =>
	JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'chapters', `${id}.json`), 'utf8')) as PrivateChapter;
const chapters = [...manifest.chapters].sort((a, b) => a.position - b.position);
const premium = chapters.filter((c) => c.tier !== 'free');
const first = chapters[0]!;

/** A section of a premium chapter with a heading of a few words: searching its heading finds it. */
function premiumSection() {
	for (const chapter of premium) {
		for (const section of privateChapter(chapter.id).sections) {
			const words = section.heading.split(/\s+/).filter((w) => w.length > 3);
			if (section.anchor && words.length >= 2 && stripMarkdown(section.markdown).length > 200) return { chapter, section };
		}
	}
	throw new Error('the fixture course has no premium section with a heading of two words or more');
}

/** Every sentence of 60+ characters of the premium chapters' private text, as plain text. */
function premiumSentences(): string[] {
	return premium.flatMap((c) =>
		privateChapter(c.id).sections.flatMap((s) =>
			stripMarkdown(s.markdown)
				.split(/(?<=[.!?])\s+|\n+/)
				.map((t) => t.trim())
				.filter((t) => t.length >= 60),
		),
	);
}

/** Hits the page lists, in order: chapter id, link and whether locked. */
function pageHits(html: string): { chapterId: string; href: string; locked: boolean }[] {
	return [...html.matchAll(/<li data-search-hit="([^"]+)" data-locked="(true|false)"[^>]*>\s*<h2><a href="([^"]+)"/g)].map((m) => ({
		chapterId: m[1]!,
		locked: m[2] === 'true',
		href: m[3]!.replace(/&amp;/g, '&'),
	}));
}

describe.each(DATABASE_KINDS)('%s: reading aids and the learner’s search page', (kind) => {
	let api: ApiServer;
	let admin: Learner;
	let premiumLearner: Learner;
	let freeLearner: Learner;
	const { chapter: target, section } = premiumSection();
	const query = section.heading;
	beforeAll(async () => {
		api = await startApiServer(kind);
		admin = await signInAdmin(api);
		premiumLearner = await registerPremium(api, admin.client, 'search-premium', false);
		freeLearner = await registerLearner(api, 'search-free', { checked: false });
	});
	afterAll(async () => {
		await api?.stop();
	});

	const search = (client: Client, q: string) => client.get(`/search?q=${encodeURIComponent(q)}`);

	describe('search', () => {
		it('a premium learner’s /search is rendered on the server from searchContent: the same hits as the API, premium passages included', async () => {
			const page = await search(premiumLearner.client, query);
			expect(page.status).toBe(200);
			expect(page.headers.get('cache-control')).toBe('private, no-store');
			expect(page.text).not.toContain('/search-page.js');
			const apiResult = await premiumLearner.client.get(`/api/v1/search?q=${encodeURIComponent(query)}&limit=10`);
			expect(apiResult.status).toBe(200);
			expect(apiResult.json.results.length).toBeGreaterThan(0);
			expect(pageHits(page.text)).toEqual(
				apiResult.json.results.map((r: { chapterId: string; url: string; locked: boolean }) => ({
					chapterId: r.chapterId,
					href: r.url,
					locked: r.locked,
				})),
			);
			const mine = apiResult.json.results.find((r: { chapterId: string }) => r.chapterId === target.id);
			expect(mine, `searching “${query}” finds ${target.id}`).toBeDefined();
			expect(mine.locked).toBe(false);
			// The page shows the start of the premium passage.
			const opening = stripMarkdown(mine.passage).replace(/\s+/g, ' ').trim().split(' ').slice(0, 8).join(' ');
			expect(textOf(page.text)).toContain(opening);
		});

		it('a free learner sees the premium hits locked, in the paywall’s words, and no premium sentence at all', async () => {
			const page = await search(freeLearner.client, query);
			expect(page.status).toBe(200);
			const hits = pageHits(page.text);
			const locked = hits.filter((h) => h.chapterId === target.id);
			expect(locked.length).toBeGreaterThan(0);
			expect(locked.every((h) => h.locked)).toBe(true);
			// A locked hit opens the chapter (its paywall), not a section that is not on that page.
			expect(locked[0]!.href).toBe(`/chapters/${target.id}/`);
			const text = textOf(page.text);
			expect(text).toContain(lockedTitle(manifest.course, target.tier));
			expect(text).toContain('Upgrade to');
			const sentences = premiumSentences();
			expect(sentences.length).toBeGreaterThan(10);
			const leaked = sentences.filter((s) => text.includes(s));
			expect(leaked, 'premium sentences on a free learner’s search page').toEqual([]);
		});

		it('every unlocked result links to an id that exists on its chapter page', async () => {
			const page = await search(premiumLearner.client, query);
			const links = pageHits(page.text).filter((h) => !h.locked && h.href.includes('#'));
			expect(links.length).toBeGreaterThan(0);
			for (const { href } of links) {
				const [pathname, anchor] = href.split('#') as [string, string];
				const chapter = await premiumLearner.client.get(pathname);
				expect(chapter.status, href).toBe(200);
				expect(chapter.text, `${href}: no element with that id`).toContain(`id="${anchor}"`);
			}
		});

		it('an empty query, a query too long and one the course does not answer each get a plain sentence', async () => {
			const empty = await premiumLearner.client.get('/search');
			expect(empty.status).toBe(200);
			expect(empty.text).toContain('data-search-empty');
			expect(pageHits(empty.text)).toEqual([]);

			const long = await search(premiumLearner.client, 'word '.repeat(80));
			expect(long.status).toBe(200);
			expect(textOf(long.text)).toMatch(/Your search is \d+ characters long; the course search reads at most 300\./);
			expect(long.text).not.toMatch(/query\.q|validation_failed/);

			const offTopic = await search(premiumLearner.client, 'zqxvy wrrrmf');
			expect(offTopic.status).toBe(200);
			expect(offTopic.text).toContain('data-search-none');
			expect(textOf(offTopic.text)).toContain('The course never uses “zqxvy”, “wrrrmf”');
		});

		it('a misspelt word is read with the course’s spelling and the page says so', async () => {
			// Long words of the section with two letters swapped, until one the API corrects.
			const words = [...new Set(stripMarkdown(section.markdown).match(/\b[a-z]{8,}\b/g) ?? [])].slice(0, 20);
			for (const word of words) {
				const typo = `${word.slice(0, 3)}${word[4]}${word[3]}${word.slice(5)}`;
				const apiResult = await premiumLearner.client.get(`/api/v1/search?q=${encodeURIComponent(typo)}`);
				if (apiResult.json.corrections.length === 0) continue;
				const { from, to } = apiResult.json.corrections[0];
				const page = await search(premiumLearner.client, typo);
				expect(textOf(page.text)).toContain(`Searched with the course’s spelling: “${from}” as “${to}”`);
				return;
			}
			throw new Error(`none of ${words.length} misspelt words was corrected by the API`);
		});

		it('visitors without a session keep the static Pagefind page, with or without a query', async () => {
			const visitor = api.client(false);
			for (const pathname of ['/search', `/search/?q=${encodeURIComponent(query)}`]) {
				const page = await visitor.get(pathname);
				expect(page.status, pathname).toBe(200);
				expect(page.text).toContain('data-search-ui');
				expect(page.text).toContain('/search-page.js');
				expect(page.text).not.toContain('data-search-results');
			}
		});

		it('the header’s search box is a plain GET form to /search with the "/" shortcut on every page', async () => {
			for (const client of [api.client(false), premiumLearner.client]) {
				const home = await client.get('/');
				expect(home.text).toMatch(/<form class="search-form" action="\/search" method="get" role="search">/);
				expect(home.text).toContain('aria-keyshortcuts="/"');
				expect(home.text).toContain('<script src="/search-shortcut.js" defer></script>');
			}
		});
	});

	describe('home and sidebar', () => {
		it('a visitor gets the static home page; a new learner’s home has nothing to continue yet', async () => {
			const visitor = await api.client(false).get('/');
			expect(visitor.status).toBe(200);
			expect(visitor.text).not.toContain('data-continue');
			expect(visitor.text).toContain('href="/register"');
			const learner = await registerLearner(api, 'home-new', { checked: false });
			const home = await learner.client.get('/');
			expect(home.status).toBe(200);
			expect(home.headers.get('cache-control')).toBe('private, no-store');
			expect(home.text).not.toContain('data-continue');
			expect(home.text).not.toContain('href="/register"');
			expect(home.text).toContain(`<link rel="canonical" href="`);
			expect(home.text).not.toMatch(/rel="canonical" href="[^"]*\/learn\//);
		});

		it('after a chapter is read, home says where to continue (the API’s next step) and the sidebar marks the chapter', async () => {
			const learner = await registerLearner(api, 'home-reader', { checked: false });
			const before = await learner.client.get(`/chapters/${first.id}/`);
			expect(before.text).not.toMatch(/data-state=/);
			const done = await learner.client.post('/api/v1/me/progress', { chapterId: first.id });
			expect(done.status).toBe(200);
			const step = done.json.nextStep as { kind: string; chapterId: string };
			const stepChapter = chapters.find((c) => c.id === step.chapterId)!;
			const home = await learner.client.get('/');
			expect(home.text).toContain(`data-continue="${step.kind}"`);
			const quiz = step.kind === 'take_quiz' || step.kind === 'retake_quiz';
			expect(textOf(home.text)).toContain(`Continue: chapter ${stepChapter.position}${quiz ? ' quiz' : ''}`);
			expect(home.text).toContain(`href="${nextStepUrl(step)}"`);

			const page = await learner.client.get(`/chapters/${first.id}/`);
			expect(page.text).toMatch(new RegExp(`<a href="/chapters/${first.id}/" aria-current="page" data-state="read">`));
			expect(textOf(page.text)).toContain(`${first.position}. ${first.title}${first.tier === 'free' ? '' : ' (premium)'} (read)`);
			expect(page.text.match(/data-state=/g)?.length).toBe(1);
			// The static page for visitors has no states.
			const visitor = await api.client(false).get(`/chapters/${first.id}/`);
			expect(visitor.text).not.toMatch(/data-state=/);

			// A passed quiz is marked as such.
			if (!first.hasQuiz) return;
			const key = quizKey(first.id);
			expect((await learner.client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: correctAnswers(key) })).status).toBe(201);
			const passed = await learner.client.get(`/chapters/${first.id}/`);
			expect(passed.text).toMatch(new RegExp(`<a href="/chapters/${first.id}/" aria-current="page" data-state="quiz_passed">`));
			expect(textOf(passed.text)).toContain(`${first.title}${first.tier === 'free' ? '' : ' (premium)'} (quiz passed)`);
		});

		it('chapter pages carry one "On this page", a <details> (no script) listing every section, linked to ids on the page', async () => {
			const visitor = await api.client(false).get(`/chapters/${first.id}/`);
			const details = /<details class="toc-details"[^>]*>([\s\S]*?)<\/details>/.exec(visitor.text)?.[1];
			expect(details, 'a <details> "On this page"').toBeDefined();
			expect(details).toContain('<summary class="toc-title">On this page</summary>');
			const anchors = [...details!.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
			const sections = first.headings.filter((h) => h.depth >= 2 && h.depth <= 4).map((h) => h.anchor);
			expect(anchors).toEqual(sections);
			for (const anchor of anchors) expect(visitor.text).toContain(`id="${anchor}"`);
		});
	});
});
