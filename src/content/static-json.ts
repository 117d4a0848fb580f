/** Helpers for the prerendered JSON endpoints under /api/v1/*.json. */
import { MAX_JSON_CHARS } from './compile.ts';

export { MAX_JSON_CHARS };
import { getCompiledCourse } from './course.ts';
import { chapterListPages, chapterSummary, quizListPages, quizSummary } from './emit.ts';

export function jsonFile(value: unknown, name: string): Response {
	const body = JSON.stringify(value);
	if (body.length >= MAX_JSON_CHARS) {
		// compileCourse reports an oversize chapter or quiz to its author first, and the lists are paged
		// (paging.ts): reaching this guard means a file the build should have paged was not.
		throw new Error(
			`${name} would be ${body.length} characters; ChatGPT reads at most ${MAX_JSON_CHARS - 1} characters in one response, so the build pages long lists and chapter texts. This file was not paged: a bug in the build, not in the course.`,
		);
	}
	return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** The pages of chapters.json, page 1 first. */
export async function chapterListPagesOfCourse() {
	return chapterListPages((await getCompiledCourse()).chapters.map(chapterSummary));
}

/** The pages of quizzes.json, page 1 first. */
export async function quizListPagesOfCourse() {
	return quizListPages((await getCompiledCourse()).quizzes.map((q) => quizSummary(q)));
}

/** getStaticPaths of a list's pages (`/api/v1/<list>/pages/<n>.json`): every page, the first too. */
export function listPagePaths(pages: () => Promise<unknown[]>) {
	return async () => (await pages()).map((_, i) => ({ params: { page: String(i + 1) } }));
}

export async function chapterPaths() {
	const { chapters } = await getCompiledCourse();
	return chapters.map((c) => ({ params: { id: c.id } }));
}

export async function neighbour(id: string | undefined, direction: 'next' | 'previous') {
	const { chapters } = await getCompiledCourse();
	const chapter = chapters.find((c) => c.id === id);
	const targetId = chapter?.[direction] ?? null;
	const target = chapters.find((c) => c.id === targetId);
	return { from: id ?? null, chapter: target ? chapterSummary(target) : null };
}
