import { describe, expect, it } from 'vitest';
import { cacheControlFor, contentTypeFor, isFingerprinted } from '../../../src/publish/headers.ts';

describe('contentTypeFor', () => {
	it.each([
		['index.html', 'text/html; charset=utf-8'],
		['chapters/tool-use/index.html', 'text/html; charset=utf-8'],
		['_astro/Base.DyirbLvc.css', 'text/css; charset=utf-8'],
		['theme.js', 'text/javascript; charset=utf-8'],
		['_astro/chunk.mjs', 'text/javascript; charset=utf-8'],
		['api/v1/course.json', 'application/json; charset=utf-8'],
		['sitemap-0.xml', 'text/xml; charset=utf-8'],
		['robots.txt', 'text/plain; charset=utf-8'],
		['favicon.svg', 'image/svg+xml; charset=utf-8'],
		['favicon.ico', 'image/x-icon'],
		['img/a.png', 'image/png'],
		['img/a.JPG', 'image/jpeg'],
		['img/a.webp', 'image/webp'],
		['fonts/inter.woff2', 'font/woff2'],
		['search.wasm', 'application/wasm'],
		['site.webmanifest', 'application/manifest+json; charset=utf-8'],
		['pagefind/wasm.en.pagefind', 'application/octet-stream'],
		['pagefind/fragment/en_19f7179.pf_fragment', 'application/octet-stream'],
		['pagefind/index/en_768bb2d.pf_index', 'application/octet-stream'],
		['pagefind/pagefind.en_9223935dff.pf_meta', 'application/octet-stream'],
		['LICENSE', 'application/octet-stream'],
		['.hidden', 'application/octet-stream'],
		['weird.unknownext', 'application/octet-stream'],
	])('%s → %s', (key, type) => {
		expect(contentTypeFor(key)).toBe(type);
	});
});

describe('cacheControlFor', () => {
	it.each([
		['_astro/Base.DyirbLvc.css', 'public, max-age=31536000, immutable'],
		['_astro/fonts/inter.Qq11Rr.woff2', 'public, max-age=31536000, immutable'],
		['pagefind/fragment/en_19f7179.pf_fragment', 'public, max-age=31536000, immutable'],
		['pagefind/index/en_768bb2d.pf_index', 'public, max-age=31536000, immutable'],
		['pagefind/pagefind.en_9223935dff.pf_meta', 'public, max-age=31536000, immutable'],
		['pagefind/pagefind.js', 'public, max-age=60, must-revalidate'],
		['pagefind/pagefind-entry.json', 'public, max-age=60, must-revalidate'],
		['pagefind/wasm.en.pagefind', 'public, max-age=60, must-revalidate'],
		['index.html', 'public, max-age=60, must-revalidate'],
		['api/v1/chapters.json', 'public, max-age=60, must-revalidate'],
		['sitemap-index.xml', 'public, max-age=60, must-revalidate'],
		['theme.js', 'public, max-age=60, must-revalidate'],
		['not_astro/x.js', 'public, max-age=60, must-revalidate'],
	])('public %s → %s', (key, value) => {
		expect(cacheControlFor(key, 'public')).toBe(value);
	});

	it('private objects are never stored by a cache, fingerprinted or not', () => {
		expect(cacheControlFor('manifest.json', 'private')).toBe('private, no-store');
		expect(cacheControlFor('_astro/x.js', 'private')).toBe('private, no-store');
	});

	it('a Pagefind file without a content hash in its name is not fingerprinted', () => {
		expect(isFingerprinted('pagefind/fragment/notes.pf_fragment')).toBe(false);
		expect(isFingerprinted('other/en_19f7179.pf_fragment')).toBe(false);
	});
});

describe('the development policy (npm run dev)', () => {
	it('adds only what Vite needs: inline styles and scripts, and its WebSocket', async () => {
		const { CONTENT_SECURITY_POLICY, DEVELOPMENT_CONTENT_SECURITY_POLICY, securityHeaders } = await import(
			'../../../src/server/security-headers.ts'
		);
		const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d]));
		const prod = directives(CONTENT_SECURITY_POLICY);
		const dev = directives(DEVELOPMENT_CONTENT_SECURITY_POLICY);
		expect(dev['style-src']).toBe("style-src 'self' 'unsafe-inline'");
		expect(dev['script-src']).toBe("script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'");
		expect(dev['connect-src']).toBe("connect-src 'self' ws: wss:");
		for (const name of Object.keys(prod))
			if (!['style-src', 'script-src', 'connect-src'].includes(name)) expect(dev[name]).toBe(prod[name]);
		expect(prod['style-src']).toBe("style-src 'self'");
		expect(securityHeaders()['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
		expect(securityHeaders({ development: true })['Content-Security-Policy']).toBe(DEVELOPMENT_CONTENT_SECURITY_POLICY);
	});
});
