/**
 * Chapter and quiz pages exist twice: a static page for the CDN (premium ones show the lock) and a
 * server-rendered page under /learn/… that shows the full text to entitled learners and the
 * learner's own status. The Node server sends premium pages, and every page of a signed-in
 * learner, to the server-rendered version. The home page and /search have a server-rendered
 * version for signed-in learners too: "Continue: chapter N", and search with the learner's tier
 * (docs/decisions/0025-reading-aids-and-search-page.md).
 */
import { SESSION_COOKIE } from './auth/sessions.ts';

/**
 * Static pages with a server-rendered version for signed-in readers, as Netlify writes paths (`:id` is one
 * path segment; a trailing slash matches too). The one list both the Node server (`learnRewrite`) and
 * netlify.toml's cookie rules follow (tests/unit/deploy/netlify-headers.test.ts compares them).
 */
export const SIGNED_IN_REWRITES: readonly { from: string; to: string }[] = [
	{ from: '/', to: '/learn/home' },
	{ from: '/index.html', to: '/learn/home' },
	{ from: '/search', to: '/learn/search' },
	{ from: '/chapters/:id', to: '/learn/chapters/:id' },
	{ from: '/quizzes/:id', to: '/learn/quizzes/:id' },
];

/** Content ids, as the content compiler allows them. */
const ID = '[a-z0-9-]+';
const PREMIUM_PAGE = new RegExp(`^/(chapters|quizzes)/(${ID})/?$`);

function matcher(from: string): RegExp {
	const source = from === '/' ? '' : from.replace(/[.]/g, '\\.').replace(':id', `(${ID})`);
	return new RegExp(`^${source}/?$`);
}
const SIGNED_IN = SIGNED_IN_REWRITES.map((r) => ({ pattern: matcher(r.from), to: r.to }));

export function learnRewrite(pathname: string, premiumIds: ReadonlySet<string>, signedIn: boolean): string | null {
	if (signedIn) {
		for (const { pattern, to } of SIGNED_IN) {
			const match = pattern.exec(pathname);
			if (match) return to.replace(':id', match[1] ?? '');
		}
		return null;
	}
	// Anonymous readers: only premium pages, whose server-rendered version shows the same lock as the static one.
	const match = PREMIUM_PAGE.exec(pathname);
	if (!match?.[2] || !premiumIds.has(match[2])) return null;
	return `/learn/${match[1]}/${match[2]}`;
}

/** Built once: every static request asks. */
const SESSION_COOKIE_PRESENT = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=[^;\\s]`);

/** Whether a Cookie header carries a session (validity is checked by the server-rendered page). */
export function hasSessionCookie(cookieHeader: string | undefined | null): boolean {
	return SESSION_COOKIE_PRESENT.test(cookieHeader ?? '');
}
