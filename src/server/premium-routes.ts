/**
 * Chapter and quiz pages exist twice: a static page for the CDN (premium ones show the lock) and a
 * server-rendered page under /learn/… that shows the full text to entitled learners and the
 * learner's own status. The Node server sends premium pages, and every page of a signed-in
 * learner, to the server-rendered version. The home page and /search have a server-rendered
 * version for signed-in learners too: "Continue: chapter N", and search with the learner's tier
 * (docs/decisions/0025-reading-aids-and-search-page.md).
 */
const PAGE = /^\/(chapters|quizzes)\/([a-z0-9-]+)\/?$/;
/** Static pages with a signed-in version, by path (with or without the trailing slash). */
const SIGNED_IN_PAGES: ReadonlyMap<string, string> = new Map([
	['/', '/learn/home'],
	['/index.html', '/learn/home'],
	['/search', '/learn/search'],
	['/search/', '/learn/search'],
]);

export function learnRewrite(pathname: string, premiumIds: ReadonlySet<string>, signedIn: boolean): string | null {
	if (signedIn) {
		const page = SIGNED_IN_PAGES.get(pathname);
		if (page) return page;
	}
	const match = PAGE.exec(pathname);
	if (!match?.[2] || !(signedIn || premiumIds.has(match[2]))) return null;
	return `/learn/${match[1]}/${match[2]}`;
}

/** Whether a Cookie header carries a session (validity is checked by the server-rendered page). */
export function hasSessionCookie(cookieHeader: string | undefined | null): boolean {
	return /(?:^|;\s*)cc_session=[^;\s]/.test(cookieHeader ?? '');
}
