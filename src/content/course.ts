/**
 * The compiled course for prerendered pages and static JSON, compiled once per build.
 * In `astro dev` it recompiles when a file under content/ changes (see integration.ts).
 */
import path from 'node:path';
import { type CompiledCourse, compileCourse } from './compile.ts';

/** The course this build compiles: content/, or the directory in CONTENT_DIR (the tests build fixture courses). */
export const CONTENT_DIR = path.resolve(process.env.CONTENT_DIR ?? 'content');

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
