/**
 * Premium chapter and quiz pages exist twice: a static lock page for the CDN, and a
 * server-rendered page (/learn/…) that shows the full text to entitled learners.
 * The Node server sends premium paths to the server-rendered page.
 */
const PAGE = /^\/(chapters|quizzes)\/([a-z0-9-]+)\/?$/;

export function premiumRewrite(pathname: string, premiumIds: ReadonlySet<string>): string | null {
	const match = PAGE.exec(pathname);
	if (!match?.[2] || !premiumIds.has(match[2])) return null;
	return `/learn/${match[1]}/${match[2]}`;
}
