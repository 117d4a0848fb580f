/**
 * The line between public and private: what the CDN may serve, and the private artifact
 * (premium bodies, every answer key) that only the server reads after a tier check.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyedQuestion, QuizKey } from '../domain/grading.ts';
import type { z } from 'astro/zod';
import {
	ARTIFACT_FILES,
	ARTIFACT_VERSION,
	type PrivateManifest,
	parseArtifactFile,
	privateChapterSchema,
	privateManifestSchema,
	quizKeySchema,
} from './artifact.ts';
import type { CourseAsset } from './assets.ts';
import { pageList, pageSections } from './paging.ts';
import { chapterUrl } from './urls.ts';
import type { CompiledChapter, CompiledCourse, CompiledQuiz } from './compile.ts';
import type { ChapterListPage, ChapterPublic, ChapterSummary, QuizListPage, QuizPublic, QuizSummary } from './schemas.ts';

export function chapterSummary(chapter: CompiledChapter): ChapterSummary {
	return {
		id: chapter.id,
		title: chapter.title,
		position: chapter.position,
		order: chapter.order,
		difficulty: chapter.difficulty,
		minutes: chapter.minutes,
		summary: chapter.summary,
		tier: chapter.tier,
		hasQuiz: chapter.hasQuiz,
	};
}

/**
 * Chapter metadata; the body (sections) only when `withBody` — callers pass true for free chapters or
 * after a tier check. A long body carries its first page and `sectionPages`; getChapterContent pages the rest.
 */
export function chapterPublic(chapter: CompiledChapter, withBody: boolean): ChapterPublic {
	const pages = withBody ? pageSections(chapter.sections) : [];
	return {
		...chapterSummary(chapter),
		objectives: chapter.objectives,
		keywords: chapter.keywords,
		previous: chapter.previous,
		next: chapter.next,
		url: chapterUrl(chapter.id),
		words: chapter.words,
		readingMinutes: chapter.readingMinutes,
		headings: chapter.headings,
		locked: !withBody,
		...(withBody ? { sections: pages[0] ?? [] } : {}),
		...(pages.length > 1 ? { sectionPages: pages.length } : {}),
	};
}

export function quizSummary(quiz: CompiledQuiz | QuizKey, tier = (quiz as CompiledQuiz).tier): QuizSummary {
	return {
		id: quiz.id,
		chapterId: quiz.chapterId,
		title: quiz.title,
		tier,
		passMark: quiz.passMark,
		questionCount: quiz.questions.length,
		...(quiz.draw !== undefined ? { draw: quiz.draw } : {}),
	};
}

/** chapters.json and its later pages (`/api/v1/chapters/pages/<n>.json`), each linking the next; page 1 first. */
export function chapterListPages(chapters: readonly ChapterSummary[]): ChapterListPage[] {
	return pageList('chapters', chapters).map((p) => ({ chapters: p.items, ...p.links }));
}

/** quizzes.json and its later pages (`/api/v1/quizzes/pages/<n>.json`), each linking the next; page 1 first. */
export function quizListPages(quizzes: readonly QuizSummary[]): QuizListPage[] {
	return pageList('quizzes', quizzes).map((p) => ({ quizzes: p.items, ...p.links }));
}

/**
 * Questions and options only: never which option is correct, never accepted answers, explanations or feedback.
 * `questions` (an attempt's drawn and shuffled questions, domain/quiz-draw.ts) replaces the quiz's own list.
 */
export function quizPublic(
	quiz: CompiledQuiz | QuizKey,
	tier = (quiz as CompiledQuiz).tier,
	questions: readonly KeyedQuestion[] = quiz.questions,
): QuizPublic {
	return {
		...quizSummary(quiz, tier),
		questions: questions.map((q) => ({
			id: q.id,
			type: q.type,
			prompt: q.prompt,
			options: q.options.map((o) => ({ id: o.id, text: o.text })),
		})),
	};
}

export type { PrivateChapter, PrivateManifest } from './artifact.ts';

/** Writes `<outDir>/manifest.json`, `chapters/<id>.json` and `quizzes/<id>.json` (answer keys). */
export async function writePrivateArtifact(compiled: CompiledCourse, outDir: string): Promise<void> {
	await rm(outDir, { recursive: true, force: true });
	await mkdir(path.join(outDir, 'chapters'), { recursive: true });
	await mkdir(path.join(outDir, 'quizzes'), { recursive: true });
	const manifest: PrivateManifest = {
		version: ARTIFACT_VERSION,
		course: compiled.course,
		chapters: compiled.chapters.map((c) => chapterPublic(c, false)),
		quizzes: compiled.quizzes.map((q) => quizSummary(q)),
		checkout: compiled.checkout,
	};
	// Written through the same schemas the server reads with: a shape the reader would refuse fails the build.
	const write = <T>(schema: z.ZodType<T>, name: string, value: T) =>
		writeJson(path.join(outDir, name), parseArtifactFile(schema, name, value));
	const writes = [write(privateManifestSchema, ARTIFACT_FILES.manifest, manifest)];
	for (const c of compiled.chapters) {
		writes.push(write(privateChapterSchema, ARTIFACT_FILES.chapter(c.id), { id: c.id, html: c.html, sections: c.sections }));
	}
	for (const q of compiled.quizzes) {
		const { file: _file, tier: _tier, ...key } = q;
		writes.push(write(quizKeySchema, ARTIFACT_FILES.quizKey(q.id), key satisfies QuizKey));
	}
	await Promise.all(writes);
}

/** Writes the chapters' images and files into the public site (`<clientDir>/assets/<name>`). */
export async function writeAssets(assets: readonly CourseAsset[], clientDir: string): Promise<void> {
	const dir = path.join(clientDir, 'assets');
	await mkdir(dir, { recursive: true });
	await Promise.all(assets.map((a) => writeFile(path.join(dir, a.name), a.bytes)));
}

function writeJson(file: string, value: unknown): Promise<void> {
	return writeFile(file, `${JSON.stringify(value)}\n`);
}
