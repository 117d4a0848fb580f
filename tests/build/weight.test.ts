/**
 * Page weight budgets on real builds (client/), gzipped: the JavaScript a page loads ≤ 30 KB, its CSS
 * ≤ 20 KB, on the build of content/ and on the demo fixture build (tests/build/builds.ts). Reading a
 * chapter needs no JavaScript, and Pagefind's UI is loaded by the search page only when there is
 * something to search for. HTML ≤ 10 KB per page is a budget for our templates measured on the demo
 * course: a page's HTML grows with the author's prose and chapter count, so on content/ it is reported,
 * not enforced. Run after `npm run build`; prints the largest figures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCourse } from '../../src/content/compile.ts';
import { BUILDS, type BuildUnderTest, DEMO_BUILD } from './builds.ts';

const KB = 1024;
const BUDGET = { html: 10 * KB, js: 30 * KB, css: 20 * KB };
/** Small classic scripts every page may carry: theme before paint, who is signed in, the "/" search shortcut. */
const SHELL_SCRIPTS = new Set(['/theme.js', '/session-indicator.js', '/search-shortcut.js']);
/** A small deferred script a chapter page may add for a feature it has, and the attribute that marks the feature (hidden without JavaScript). */
const ENHANCEMENTS = new Map([['/code-copy.js', 'data-copy-code']]);

interface Asset {
	ref: string;
	gz: number;
}
interface PageWeight {
	url: string;
	html: number;
	scripts: Asset[];
	inlineScripts: { module: boolean; gz: number }[];
	styles: Asset[];
	js: number;
	css: number;
}

const gz = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;

function htmlFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const full = path.join(dir, e.name);
		if (e.isDirectory()) return e.name === 'pagefind' || e.name === '_astro' ? [] : htmlFiles(full);
		return e.name.endsWith('.html') ? [full] : [];
	});
}

/** A same-site asset reference resolved under client/; anything else fails the test (no third-party code). */
function asset(client: string, ref: string, page: string): Asset {
	const url = new URL(ref, `http://site${page}`);
	expect(url.host, `${page} loads ${ref} from another site`).toBe('site');
	const file = path.join(client, decodeURIComponent(url.pathname));
	expect(existsSync(file), `${page} references ${ref}, missing from client/`).toBe(true);
	return { ref: url.pathname, gz: gz(readFileSync(file)) };
}

function attr(tag: string, name: string): string | null {
	return (
		new RegExp(`\\s${name}(?:=(?:"([^"]*)"|'([^']*)'|([^\\s>]+)))?`, 'i')
			.exec(tag)
			?.slice(1)
			.find((v) => v !== undefined) ?? null
	);
}

function weigh(client: string, file: string): PageWeight {
	const html = readFileSync(file, 'utf8');
	const rel = path.relative(client, file).split(path.sep).join('/');
	const url = `/${rel.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, '')}`;
	const scripts: Asset[] = [];
	const inlineScripts: PageWeight['inlineScripts'] = [];
	for (const [, open = '', body = ''] of html.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/gi)) {
		const type = attr(open, 'type');
		if (type && !/^(module|text\/javascript)$/i.test(type)) continue; // JSON-LD and other data blocks
		const src = attr(open, 'src');
		if (src) scripts.push(asset(client, src, url));
		else if (body.trim()) inlineScripts.push({ module: type === 'module', gz: gz(body) });
	}
	const styles: Asset[] = [];
	for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
		if (/^stylesheet$/i.test(attr(tag, 'rel') ?? '')) styles.push(asset(client, attr(tag, 'href') ?? '', url));
	}
	const inlineCss = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].reduce((n, m) => n + gz(m[1] ?? ''), 0);
	return {
		url,
		html: gz(html),
		scripts,
		inlineScripts,
		styles,
		js: scripts.reduce((n, s) => n + s.gz, 0) + inlineScripts.reduce((n, s) => n + s.gz, 0),
		css: styles.reduce((n, s) => n + s.gz, 0) + inlineCss,
	};
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const top = (pages: PageWeight[], key: 'html' | 'js' | 'css') =>
	[...pages]
		.sort((a, b) => b[key] - a[key])
		.slice(0, 3)
		.map((p) => `${p.url} ${kb(p[key])}`)
		.join(', ');

function weighBuild(target: BuildUnderTest): PageWeight[] {
	const client = path.join(target.dist, 'client');
	if (!existsSync(path.join(client, 'index.html'))) throw new Error(`No build in ${client}: run \`npm run build\` first.`);
	const pages = htmlFiles(client).map((file) => weigh(client, file));
	console.log(
		[
			`page weight, gzipped, ${target.name}: ${pages.length} pages (budgets: HTML ${kb(BUDGET.html)} on the demo, JS ${kb(BUDGET.js)}, CSS ${kb(BUDGET.css)})`,
			`  largest HTML: ${top(pages, 'html')}`,
			`  most JS:      ${top(pages, 'js')}`,
			`  most CSS:     ${top(pages, 'css')}`,
		].join('\n'),
	);
	return pages;
}

describe.each(BUILDS)('$name', (target) => {
	const client = path.join(target.dist, 'client');
	let pages: PageWeight[] = [];
	let chapterIds: string[] = [];
	beforeAll(async () => {
		pages = weighBuild(target);
		chapterIds = (await compileCourse(target.contentDir)).chapters.map((c) => c.id);
	});

	describe('page weight budgets (gzipped)', () => {
		it('finds the pages of the build: home, search, 404 and every chapter of the course', () => {
			expect(pages.map((p) => p.url)).toEqual(expect.arrayContaining(['/', '/search/', '/404']));
			expect(chapterIds.length).toBeGreaterThan(0);
			expect(pages.map((p) => p.url)).toEqual(expect.arrayContaining(chapterIds.map((id) => `/chapters/${id}/`)));
		});

		it(`the JavaScript each page loads is at most ${kb(BUDGET.js)}`, () => {
			const over = pages.filter((p) => p.js > BUDGET.js).map((p) => `${p.url}: ${kb(p.js)} (${p.scripts.map((s) => s.ref).join(', ')})`);
			expect(over, 'pages over the JavaScript budget').toEqual([]);
		});

		it(`the CSS each page loads is at most ${kb(BUDGET.css)}`, () => {
			const over = pages.filter((p) => p.css > BUDGET.css).map((p) => `${p.url}: ${kb(p.css)} (${p.styles.map((s) => s.ref).join(', ')})`);
			expect(over, 'pages over the CSS budget').toEqual([]);
		});
	});

	describe('reading needs no JavaScript; search loads Pagefind only to search', () => {
		it('chapter pages load only the small shell scripts (and a copy-button script where there is code): no modules, no inline code, nothing from Pagefind', () => {
			const chapters = pages.filter((p) => p.url.startsWith('/chapters/'));
			expect(chapters.length).toBe(chapterIds.length);
			for (const page of chapters) {
				const html = readFileSync(path.join(client, page.url, 'index.html'), 'utf8');
				expect(page.inlineScripts, `${page.url} has inline scripts`).toEqual([]);
				const feature = (ref: string) => ENHANCEMENTS.get(ref);
				const needed = (ref: string) => SHELL_SCRIPTS.has(ref) || (feature(ref) !== undefined && html.includes(` ${feature(ref)}`));
				expect(
					page.scripts.map((s) => s.ref).filter((ref) => !needed(ref)),
					`${page.url} loads more than the shell scripts and the enhancements of its own features`,
				).toEqual([]);
				expect(html, `${page.url} references Pagefind`).not.toMatch(/<(script|link)\b[^>]*pagefind/i);
				expect(html, `${page.url} has a module script`).not.toMatch(/<script\b[^>]*type=["']?module/i);
			}
			const shell = Math.max(...chapters.map((p) => p.js));
			expect(shell, 'the shell scripts and enhancements stay tiny').toBeLessThanOrEqual(2 * KB);
		});

		it('no page loads Pagefind on arrival; the search page fetches its UI when there is a query', () => {
			const withPagefind = pages.filter((p) => [...p.scripts, ...p.styles].some((a) => a.ref.startsWith('/pagefind/'))).map((p) => p.url);
			expect(withPagefind).toEqual([]);
			const search = pages.find((p) => p.url === '/search/')!;
			const loader = search.scripts.find((s) => s.ref === '/search-page.js');
			expect(loader, 'the search page has its loader script').toBeDefined();
			const code = readFileSync(path.join(client, 'search-page.js'), 'utf8');
			expect(code).toContain('/pagefind/pagefind-ui.js');
			const onSearch = ['pagefind/pagefind-ui.js', 'pagefind/pagefind.js', 'pagefind/pagefind-ui.css', 'pagefind/wasm.en.pagefind'];
			const searchBytes = onSearch
				.filter((f) => existsSync(path.join(client, f)))
				.reduce((n, f) => n + gz(readFileSync(path.join(client, f))), 0);
			console.log(`  a search on /search/ then fetches Pagefind: ${kb(searchBytes)} gzipped (UI, runtime, wasm, CSS) plus index chunks`);
			expect(searchBytes).toBeGreaterThan(0);
		});
	});
});

describe(`HTML budget on ${DEMO_BUILD.name} (the templates, on a known course)`, () => {
	let pages: PageWeight[] = [];
	beforeAll(() => {
		pages = htmlFiles(path.join(DEMO_BUILD.dist, 'client')).map((file) => weigh(path.join(DEMO_BUILD.dist, 'client'), file));
	});

	it(`every HTML page is at most ${kb(BUDGET.html)}`, () => {
		expect(pages.filter((p) => p.url.startsWith('/chapters/')).length).toBeGreaterThan(0);
		const over = pages.filter((p) => p.html > BUDGET.html).map((p) => `${p.url}: ${kb(p.html)}`);
		expect(over, 'pages over the HTML budget').toEqual([]);
	});
});
