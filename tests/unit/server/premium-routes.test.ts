/** Which requests the Node server (and `npm run dev`) hands to the server-rendered pages under /learn/. */
import { describe, expect, it } from 'vitest';
import { hasSessionCookie, learnRewrite } from '../../../src/server/premium-routes.ts';

const premium = new Set(['locked-one']);

describe('learnRewrite', () => {
	it('sends a signed-in learner’s home and search to their server-rendered versions, with or without the trailing slash', () => {
		expect(learnRewrite('/', premium, true)).toBe('/learn/home');
		expect(learnRewrite('/index.html', premium, true)).toBe('/learn/home');
		expect(learnRewrite('/search', premium, true)).toBe('/learn/search');
		expect(learnRewrite('/search/', premium, true)).toBe('/learn/search');
	});

	it('leaves a visitor’s home and search to the static pages (Pagefind)', () => {
		for (const path of ['/', '/index.html', '/search', '/search/']) expect(learnRewrite(path, premium, false)).toBeNull();
	});

	it('keeps the chapter and quiz rules: premium pages for everyone, every page for a signed-in learner', () => {
		expect(learnRewrite('/chapters/free-one/', premium, false)).toBeNull();
		expect(learnRewrite('/chapters/locked-one/', premium, false)).toBe('/learn/chapters/locked-one');
		expect(learnRewrite('/chapters/free-one', premium, true)).toBe('/learn/chapters/free-one');
		expect(learnRewrite('/quizzes/free-one/', premium, true)).toBe('/learn/quizzes/free-one');
	});

	it('rewrites nothing else', () => {
		for (const path of ['/searching', '/search/x', '/dashboard', '/privacy/', '/chapters/', '//search']) {
			expect(learnRewrite(path, premium, true), path).toBeNull();
		}
	});
});

describe('hasSessionCookie', () => {
	it('sees cc_session among other cookies, never an empty one or a look-alike', () => {
		expect(hasSessionCookie('a=1; cc_session=abc.def')).toBe(true);
		expect(hasSessionCookie('cc_session=')).toBe(false);
		expect(hasSessionCookie('xcc_session=abc')).toBe(false);
		expect(hasSessionCookie(undefined)).toBe(false);
	});
});
