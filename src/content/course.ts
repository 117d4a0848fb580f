/**
 * The compiled course for prerendered pages and static JSON, compiled once per build.
 * In `astro dev` it recompiles when a file under content/ changes (see integration.ts).
 */
import { type CompiledCourse, compileCourse } from './compile.ts';
import { CONTENT_DIR } from './content-dir.mjs';

export { CONTENT_DIR };

const state = globalThis as typeof globalThis & { __courseCompile?: Promise<CompiledCourse> };

export function getCompiledCourse(): Promise<CompiledCourse> {
	state.__courseCompile ??= compileCourse(CONTENT_DIR);
	return state.__courseCompile;
}

/** Forget the cached compile (the dev server calls this when content changes). */
export function invalidateCompiledCourse(): void {
	state.__courseCompile = undefined;
}

export async function getChapter(id: string) {
	const { chapters } = await getCompiledCourse();
	return chapters.find((c) => c.id === id);
}
