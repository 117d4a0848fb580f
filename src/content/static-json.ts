/** Helpers for the prerendered JSON endpoints under /api/v1/*.json. */
import { MAX_JSON_CHARS } from './compile.ts';

export { MAX_JSON_CHARS };
import { getCompiledCourse } from './course.ts';
import { chapterSummary } from './emit.ts';

export function jsonFile(value: unknown, name: string): Response {
	const body = JSON.stringify(value);
	if (body.length >= MAX_JSON_CHARS) {
		// compileCourse reports oversize chapters and quizzes to the author first; this is the last guard.
		throw new Error(`${name} is ${body.length} characters; the limit is ${MAX_JSON_CHARS}. Split long sections.`);
	}
	return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
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
