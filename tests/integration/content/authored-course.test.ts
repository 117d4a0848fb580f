/**
 * Another author's course through the real build and the real server (tests/fixtures/courses/sourdough):
 * its own name everywhere, the first free_chapters by reading position free, every image and internal link
 * answering, absolute links in the JSON for ChatGPT, and a 404 — never a 500 — for pages that do not exist.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledCourse, compileCourse } from '../../../src/content/compile.ts';
import { buildFixtureCourse, FIXTURE_COURSES_DIR, ROOT } from '../../helpers/fixture-build.ts';
import { Client, type RunningServer, startServer } from '../../helpers/server.ts';

const COURSE = path.join(FIXTURE_COURSES_DIR, 'sourdough');
const OUT = path.join(ROOT, '.test-build/sourdough');
/** The build's absolute URLs use PUBLIC_ORIGIN at build time (unset here: astro.config's default). */
const BUILD_ORIGIN = 'http://localhost:4321';
/** The course this project ships as a demo: nothing public of another author's build may name it. */
const DEMO_NAMES = ['AI Agent Development', 'what-is-an-agent', 'Model Context Protocol'];

let server: RunningServer;
let compiled: CompiledCourse;
const anonymous = () => new Client(server.url);

function publicFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
	buildFixtureCourse(COURSE, OUT);
	compiled = await compileCourse(COURSE);
	server = await startServer({ env: { DIST_DIR: OUT, PRIVATE_CONTENT_DIR: path.join(OUT, 'private') } });
}, 180_000);
afterAll(async () => {
	await server?.stop();
});

describe("another author's course, built and served", () => {
	it('carries its own name in titles, header, footer, privacy page, 404, OpenAPI, MCP and the GPT instructions', async () => {
		const title = compiled.course.title;
		const home = await anonymous().get('/');
		expect(home.text).toContain(`<title>${title}</title>`);
		expect(home.text).toContain(`<a class="brand" href="/">${title}</a>`);
		const chapter = await anonymous().get(`/chapters/${compiled.chapters[0]?.id}/`);
		expect(chapter.text).toContain(`<title>${compiled.chapters[0]?.title} · ${title}</title>`);
		expect((await anonymous().get('/privacy/')).text).toContain(`<em>${title}</em>`);
		const missing = await anonymous().get('/no-such-page/');
		expect(missing.status).toBe(404);
		expect(missing.text).toContain(`Page not found · ${title}`);
		expect((await anonymous().get('/openapi.json')).json.info.title).toBe(`${title} API`);
		// Server to server, as a hosted connector calls: no Origin header.
		const mcp = (await (
			await fetch(`${server.url}/mcp`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
				body: JSON.stringify({
					jsonrpc: '2.0',
					id: 1,
					method: 'initialize',
					params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
				}),
			})
		).json()) as { result: { serverInfo: { title: string }; instructions: string } };
		expect(mcp.result.serverInfo.title).toBe(title);
		expect(mcp.result.instructions).toContain(`"${title}"`);
		const instructions = await anonymous().get('/chatgpt/instructions.txt');
		expect(instructions.text).toContain(`the course "${title}"`);
		expect(instructions.text).toContain('Chapters 1-2 are free');
	});

	it('names the shipped demo course in no public file', () => {
		const hits = publicFiles(path.join(OUT, 'client'))
			.filter((f) => /\.(html|json|txt|xml|js|css)$/.test(f))
			.flatMap((f) => {
				const text = readFileSync(f, 'utf8');
				return DEMO_NAMES.filter((n) => text.includes(n)).map((n) => `${path.relative(OUT, f)}: ${n}`);
			});
		expect(hits).toEqual([]);
	});

	it('frees the first free_chapters by reading position and numbers chapters by position', async () => {
		const { chapters } = (await anonymous().get('/api/v1/chapters.json')).json as {
			chapters: { id: string; position: number; order: number; tier: string }[];
		};
		expect(chapters.map((c) => [c.position, c.order, c.tier])).toEqual(compiled.chapters.map((c) => [c.position, c.order, c.tier]));
		expect(chapters.filter((c) => c.tier === 'free').map((c) => c.position)).toEqual([1, 2]);
		const second = await anonymous().get(`/chapters/${chapters[1]?.id}/`);
		expect(second.text).toContain('<span>Chapter 2</span>');
		expect(second.text).not.toContain(`Chapter ${chapters[1]?.order}<`);
		const premium = await anonymous().get(`/chapters/${chapters[2]?.id}/`);
		expect(premium.status).toBe(200);
		expect(premium.text).toContain('data-paywall');
	});

	it('serves every image a learner sees, with its size and a year of caching, and every internal link', async () => {
		const reader = anonymous();
		await reader.login('premium@demo.test');
		const pages = ['/', ...compiled.chapters.map((c) => `/chapters/${c.id}/`)];
		const links = new Set<string>();
		const images = new Set<string>();
		for (const page of pages) {
			const res = await reader.get(page);
			expect(res.status, page).toBe(200);
			for (const m of res.text.matchAll(/<img [^>]*>/g)) {
				const tag = m[0];
				expect(tag, `${page}: ${tag}`).toMatch(/ width="\d+" height="\d+"/);
				images.add(/src="([^"]+)"/.exec(tag)?.[1] ?? '');
			}
			for (const m of res.text.matchAll(/href="(\/[^"#]*)(?:#([^"]*))?"/g)) {
				const target = m[1] as string;
				if (!/^\/(chapters|quizzes)\//.test(target)) continue;
				links.add(m[2] ? `${target}#${m[2]}` : target);
			}
		}
		expect(images.size).toBe(compiled.assets.length);
		for (const src of images) {
			const res = await fetch(`${server.url}${src}`);
			expect(res.status, src).toBe(200);
			expect(res.headers.get('content-type'), src).toMatch(/^image\//);
			expect(res.headers.get('cache-control'), src).toBe('public, max-age=31536000, immutable');
		}
		expect(links.size).toBeGreaterThan(10);
		for (const link of links) {
			const [target, anchor] = link.split('#');
			const res = await reader.get(target as string);
			expect(res.status, link).toBe(200);
			if (anchor) expect(res.text, link).toContain(`id="${anchor}"`);
		}
	});

	it('gives ChatGPT absolute links and image URLs that answer, in the static JSON of free chapters', async () => {
		const free = compiled.chapters.filter((c) => c.tier === 'free');
		let checked = 0;
		for (const chapter of free) {
			const json = (await anonymous().get(`/api/v1/chapters/${chapter.id}.json`)).json as { sections: { markdown: string }[] };
			const text = json.sections.map((s) => s.markdown).join('\n');
			for (const m of text.matchAll(/\]\(([^)\s]+)/g)) {
				const url = m[1] as string;
				expect(url.startsWith(`${BUILD_ORIGIN}/`), url).toBe(true);
				const res = await anonymous().get(new URL(url).pathname);
				expect(res.status, url).toBe(200);
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(2);
	});

	it('keeps premium-only images out of every public page, JSON file and search fragment', () => {
		const premiumOnly = compiled.assets.filter((a) =>
			a.chapters.every((id) => compiled.chapters.find((c) => c.id === id)?.tier !== 'free'),
		);
		expect(premiumOnly.length).toBeGreaterThan(0);
		const files = publicFiles(path.join(OUT, 'client')).filter(
			(f) => !f.includes(`${path.sep}assets${path.sep}`) && statSync(f).size < 5_000_000,
		);
		const leaks = files.flatMap((f) => {
			const text = readFileSync(f).toString('latin1');
			return premiumOnly.filter((a) => text.includes(a.name)).map((a) => `${path.relative(OUT, f)}: ${a.name}`);
		});
		expect(leaks).toEqual([]);
	});

	it('answers 404, never 500, for chapters and quizzes that do not exist, signed in or not', async () => {
		const signedIn = anonymous();
		await signedIn.login('free@demo.test');
		const noQuiz = compiled.chapters.find((c) => !c.hasQuiz)?.id;
		expect(noQuiz).toBeDefined();
		for (const client of [anonymous(), signedIn]) {
			for (const url of [
				'/chapters/no-such-chapter/',
				'/quizzes/no-such-quiz/',
				`/quizzes/${noQuiz}/`,
				'/learn/chapters/no-such-chapter',
				'/learn/quizzes/nope',
			]) {
				const res = await client.get(url);
				expect(res.status, `${url} (${client.cookie ? 'signed in' : 'anonymous'})`).toBe(404);
				expect(res.text).toContain('Page not found');
			}
		}
		expect(server.output()).not.toMatch(/Unexpectedly unable|\[ERROR\]/);
	});
});
