import { describe, expect, it } from 'vitest';
import { pathWithoutQuery, targetUrl, urlPathname } from '../../../src/server/http/request-target.ts';

/** Request targets as clients send them, plain and odd: the fast path must give the parser's answer for each. */
const TARGETS = [
	'/',
	'/index.html',
	'/api/v1/chapters/getting-started.json',
	'/api/v1/chapters.json?page=2',
	'/chapters/intro/',
	'/chapters/intro?x=1#top',
	'/search?q=a%20b',
	'/_astro/page.Bx1_a-9.css',
	"/odd/!$&'()*+,;=:@~",
	'/a//b',
	'//',
	'//chapters/intro',
	'/./chapters/intro',
	'/chapters/../quizzes/intro',
	'/chapters/%2e%2e/secret',
	'/.well-known/oauth-protected-resource',
	'/chapters/.hidden',
	'/a b',
	'/a"b',
	'/a<b>',
	'/a`b{c}',
	'/a^b',
	'/a|b',
	'/a\\b',
	'/caf\u00e9',
	'/tab\tin',
	'/%',
	'/%zz',
	'/x?',
	'/x#',
	'?only-query',
	'*',
	'http://other.example/chapters/intro?x',
];

describe('request targets (src/server/http/request-target.ts)', () => {
	it.each(TARGETS)('urlPathname(%j) is the parser’s pathname', (raw) => {
		expect(urlPathname(raw)).toBe(targetUrl(raw)?.pathname);
	});

	it('reads every origin-form target as a path, where new URL(raw, base) would throw or find a host', () => {
		expect(() => new URL('//', 'http://local')).toThrow();
		expect(targetUrl('//')?.pathname).toBe('//');
		expect(new URL('//chapters/intro', 'http://local').pathname).toBe('/intro');
		expect(targetUrl('//chapters/intro')?.pathname).toBe('//chapters/intro');
		expect(targetUrl('/chapters/intro?x=1')?.search).toBe('?x=1');
	});

	it('gives null for a target no URL can be made of, and the raw path for its pathname', () => {
		expect(targetUrl('http://[bad/x')).toBeNull();
		expect(urlPathname('http://[bad/x')).toBe('http://[bad/x');
	});

	it('cuts the query and fragment without decoding, as sirv does', () => {
		expect(pathWithoutQuery('/a%20b?c#d')).toBe('/a%20b');
		expect(pathWithoutQuery('/a#b?c')).toBe('/a');
		expect(pathWithoutQuery('?')).toBe('?');
	});
});
