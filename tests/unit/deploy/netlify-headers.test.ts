/**
 * netlify.toml against the code it mirrors: the CDN's security headers equal the Node server's
 * (src/server/security-headers.ts), every dynamic route in src/pages is proxied to the API, no
 * static file of the build is shadowed by a proxy for anonymous readers, and a signed-in reader (the
 * session cookie) reaches the same server-rendered pages the Node server rewrites to
 * (src/server/premium-routes.ts). Patterns are matched the way Netlify does: `*` is a splat over the
 * rest of the path, `:name` one segment; a rule with a Cookie condition applies only when that cookie is sent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { isFingerprinted } from '../../../src/publish/headers.ts';
import { SESSION_COOKIE } from '../../../src/server/auth/sessions.ts';
import { learnRewrite, SIGNED_IN_REWRITES } from '../../../src/server/premium-routes.ts';
import { securityHeaders } from '../../../src/server/security-headers.ts';

interface HeaderRule {
	for: string;
	values: Record<string, string>;
}
interface RedirectRule {
	from: string;
	to: string;
	status?: number;
	force?: boolean;
	conditions?: { Cookie?: string[] };
}
interface NetlifyConfig {
	build: { command: string; publish: string; environment: Record<string, string> };
	headers: HeaderRule[];
	redirects: RedirectRule[];
}

const PLACEHOLDER = 'https://api.example.com';
const config = parse(readFileSync('netlify.toml', 'utf8')) as unknown as NetlifyConfig;

function pattern(from: string): RegExp {
	let source = '';
	for (const part of from.split(/(\*|:[A-Za-z]+)/)) {
		if (part === '*') source += '(?<splat>.*)';
		else if (part.startsWith(':')) source += `(?<${part.slice(1)}>[^/]+)`;
		else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${source}/?$`);
}

/** The first rule that matches a request (sending `cookies`), and where it sends the request. */
function route(url: string, cookies: readonly string[] = []): { rule: RedirectRule; target: string } | undefined {
	for (const rule of config.redirects) {
		if (rule.conditions?.Cookie && !rule.conditions.Cookie.some((name) => cookies.includes(name))) continue;
		const match = pattern(rule.from).exec(url);
		if (!match) continue;
		const target = rule.to.replace(/:([A-Za-z]+)/g, (_, name: string) => match.groups?.[name] ?? '');
		return { rule, target };
	}
	return undefined;
}

/** The public files of the build of content/ (`npm run build`): what Netlify would serve. */
const BUILT_CLIENT = 'dist/client';

/** URL of every file in dist/client as a browser requests it (pretty URLs for index.html). */
function staticUrls(): string[] {
	const root = BUILT_CLIENT;
	if (!existsSync(root)) return [];
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.flatMap((e) => {
			const url = `/${path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/')}`;
			return url.endsWith('/index.html') ? [url, url.slice(0, -'index.html'.length)] : [url];
		});
}

/** A sample URL for every page or endpoint in src/pages that is rendered on request. */
function dynamicRoutes(): string[] {
	const root = 'src/pages';
	const samples: Record<string, string> = {
		'[id]': 'sample-id',
		'[userId]': 'user-1',
		'[sessionId]': 'session-1',
		'[...rest]': 'no/such/thing',
	};
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile() && /\.(ts|astro)$/.test(e.name))
		.map((e) => path.join(e.parentPath, e.name))
		.filter((file) => /export const prerender = false/.test(readFileSync(file, 'utf8')))
		.map((file) => {
			const rel = path
				.relative(root, file)
				.split(path.sep)
				.join('/')
				.replace(/\.(ts|astro)$/, '');
			const url = `/${rel}`.replace(/\/index$/, '').replace(/\[[^\]]+\]/g, (param) => samples[param] ?? 'x');
			return url;
		})
		.sort();
}

describe('netlify.toml: build', () => {
	it('builds with npm run build on Node 24 and publishes dist/client', () => {
		expect(config.build.command).toBe('npm run build');
		expect(config.build.publish).toBe('dist/client');
		expect(config.build.environment.NODE_VERSION).toBe('24');
	});
});

describe('netlify.toml: headers', () => {
	it('sends on every path exactly the security headers the Node server sends over https', () => {
		const all = config.headers.filter((h) => h.for === '/*');
		expect(all).toHaveLength(1);
		expect(all[0]?.values).toEqual(securityHeaders({ https: true }));
	});

	it('caches fingerprinted files for a year and revalidates the static JSON API', () => {
		const cacheFor = (p: string) => config.headers.find((h) => h.for === p)?.values['Cache-Control'];
		expect(cacheFor('/_astro/*')).toBe('public, max-age=31536000, immutable');
		expect(cacheFor('/pagefind/fragment/*')).toBe('public, max-age=31536000, immutable');
		expect(cacheFor('/pagefind/index/*')).toBe('public, max-age=31536000, immutable');
		expect(cacheFor('/api/v1/*')).toBe('public, max-age=0, must-revalidate');
	});

	it('never lets two Cache-Control rules match one path (Netlify would join their values)', () => {
		const urls = [
			...staticUrls(),
			'/',
			'/chapters/sample-id/',
			'/_astro/a.css',
			'/pagefind/fragment/en_19f7179.pf_fragment',
			'/assets/crumb.3f9a1c0b2d4e5f60.jpg',
			'/api/v1/course.json',
		];
		for (const url of urls) {
			const setting = config.headers.filter((h) => pattern(h.for).test(url) && 'Cache-Control' in h.values);
			expect(setting.length, url).toBeLessThanOrEqual(1);
			const value = setting[0]?.values['Cache-Control'];
			// Pages and other files get Netlify's default, which revalidates; only files whose name changes with
			// their bytes are immutable — the rule the publisher applies to R2 (src/publish/headers.ts).
			if (value?.includes('immutable')) expect(isFingerprinted(url.slice(1)), url).toBe(true);
		}
	});
});

describe('netlify.toml: proxies to the API', () => {
	it('every rule for everyone proxies (200) to the same path on the placeholder origin and none forces', () => {
		expect(config.redirects.length).toBeGreaterThan(0);
		for (const rule of config.redirects.filter((r) => r.conditions === undefined)) {
			expect(rule.status, rule.from).toBe(200);
			expect(rule.force, rule.from).not.toBe(true);
			expect(rule.to, rule.from).toBe(PLACEHOLDER + rule.from.replace(/\*$/, ':splat'));
		}
	});

	it.each([
		'/api/v1/me',
		'/api/v1/me/progress',
		'/api/v1/me/quizzes/sample-id/attempts',
		'/api/v1/auth/login',
		'/api/v1/admin/users/user-1/tier',
		'/api/v1/billing/webhook',
		'/api/v1/search',
		'/api/v1/access',
		'/api/v1/chapters/sample-id/content',
		'/api/v1/quizzes/sample-id',
		'/api/health',
		'/api/ready',
		'/openapi.json',
		'/docs',
		'/oauth/token',
		'/.well-known/oauth-authorization-server',
		'/mcp',
		'/learn/chapters/sample-id',
		'/dashboard',
		'/account',
		'/admin',
		'/login',
		'/register',
		'/logout',
		'/checkout/premium',
		'/quizzes/sample-id/result',
	])('%s goes to the API', (url) => {
		expect(route(url)?.target).toBe(PLACEHOLDER + url);
	});

	it('every route src/pages renders on request is proxied to the API', () => {
		const routes = dynamicRoutes();
		expect(routes).toContain('/api/v1/chapters/sample-id/content');
		for (const url of routes) expect(route(url)?.target, url).toBe(PLACEHOLDER + url);
	});

	it('static pages are never proxied for anonymous readers, and static API files stay on the CDN because nothing forces', () => {
		for (const url of ['/', '/chapters/sample-id/', '/quizzes/sample-id/', '/search/', '/_astro/x.css', '/pagefind/pagefind.js']) {
			expect(route(url), url).toBeUndefined();
		}
		// These exist in dist/client and also match a proxy: Netlify serves the file because force is off.
		for (const url of ['/api/v1/quizzes/sample-id.json', '/api/v1/chapters/sample-id.json', '/api/v1/chapters/sample-id/next.json']) {
			expect(route(url)?.rule.force, url).not.toBe(true);
		}
		const built = staticUrls().filter((u) => u.startsWith('/api/'));
		if (existsSync(BUILT_CLIENT)) {
			// The scan saw the static JSON API of whatever course was built: its lists and every chapter's file.
			const { chapters } = JSON.parse(readFileSync(path.join(BUILT_CLIENT, 'api/v1/chapters.json'), 'utf8')) as {
				chapters: { id: string }[];
			};
			expect(chapters.length).toBeGreaterThan(0);
			const expected = ['course.json', 'chapters.json', 'quizzes.json', ...chapters.map((c) => `chapters/${c.id}.json`)];
			expect(expected.map((f) => `/api/v1/${f}`).filter((u) => !built.includes(u))).toEqual([]);
		}
		for (const url of built) expect(route(url)?.rule.force, url).not.toBe(true);
	});
});

describe('netlify.toml: signed-in readers get the pages the Node server renders for them', () => {
	const signedIn = config.redirects.filter((r) => r.conditions !== undefined);

	it('has one cookie rule per signed-in rewrite of src/server/premium-routes.ts, forced over the static file', () => {
		expect(signedIn).toEqual(
			SIGNED_IN_REWRITES.map(({ from, to }) => ({
				from,
				to: PLACEHOLDER + to,
				status: 200,
				force: true,
				conditions: { Cookie: [SESSION_COOKIE] },
			})),
		);
		// First match wins: no rule for everyone may come before a signed-in one.
		expect(config.redirects.slice(0, signedIn.length)).toEqual(signedIn);
	});

	it('routes every page the Node server rewrites for a session cookie to the same target, and nothing else', () => {
		const samples = [
			...staticUrls().filter((u) => !u.startsWith('/api/') && !u.startsWith('/_astro/') && !u.startsWith('/pagefind/')),
			'/',
			'/index.html',
			'/search',
			'/search/',
			'/chapters/sample-id',
			'/chapters/sample-id/',
			'/quizzes/sample-id/',
			'/searching',
			'/privacy/',
			'/chapters/',
		];
		for (const url of samples) {
			const node = learnRewrite(url, new Set(), true);
			const netlify = route(url, [SESSION_COOKIE]);
			if (node === null) expect(netlify?.rule.conditions, url).toBeUndefined();
			else expect(netlify?.target, url).toBe(PLACEHOLDER + node);
		}
		expect(route('/', [SESSION_COOKIE])?.target).toBe(`${PLACEHOLDER}/learn/home`);
		expect(route('/search/', ['other'])).toBeUndefined();
	});
});
