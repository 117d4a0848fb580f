/**
 * Chapter and quiz pages exist twice: a static page for the CDN (premium ones show the lock) and a
 * server-rendered page under /learn/… that shows the full text to entitled learners and the
 * learner's own status. The Node server sends premium pages, and every page of a signed-in
 * learner, to the server-rendered version.
 */
const PAGE = /^\/(chapters|quizzes)\/([a-z0-9-]+)\/?$/;

export function learnRewrite(pathname: string, premiumIds: ReadonlySet<string>, signedIn: boolean): string | null {
	const match = PAGE.exec(pathname);
	if (!match?.[2] || !(signedIn || premiumIds.has(match[2]))) return null;
	return `/learn/${match[1]}/${match[2]}`;
}

/** Whether a Cookie header carries a session (validity is checked by the server-rendered page). */
export function hasSessionCookie(cookieHeader: string | undefined | null): boolean {
	return /(?:^|;\s*)cc_session=[^;\s]/.test(cookieHeader ?? '');
}
