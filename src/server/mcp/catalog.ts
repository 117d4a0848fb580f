/**
 * Handlers for the operations the site serves as prerendered JSON (no server handler): over MCP
 * they are answered from the private manifest, with the same shapes as the static files.
 */
import type { z } from 'astro/zod';
import { chapterSummarySchema } from '../../content/schemas.ts';
import { notFound } from '../api/errors.ts';
import type { chapterIdParams } from '../operations/shared.ts';
import { getServices } from '../services.ts';

type ChapterId = { params: z.infer<typeof chapterIdParams> };

export async function getCourse() {
	const { content } = await getServices();
	return (await content.manifest()).course;
}

export async function listChapters() {
	const { content } = await getServices();
	const { chapters } = await content.manifest();
	return { chapters: chapters.map((c) => chapterSummarySchema.parse(c)) };
}

/** Like /api/v1/chapters/{id}.json: the text (sections) of free chapters only. */
export async function getChapter({ params }: ChapterId) {
	const { content } = await getServices();
	const meta = (await content.manifest()).chapters.find((c) => c.id === params.id);
	if (!meta) throw notFound(`Chapter "${params.id}"`);
	if (meta.tier !== 'free') return { ...meta, locked: true };
	const body = await content.chapter(meta.id);
	if (!body) throw notFound(`The text of chapter "${params.id}"`);
	return { ...meta, locked: false, sections: body.sections };
}

async function neighbour(id: string, direction: 'next' | 'previous') {
	const { content } = await getServices();
	const { chapters } = await content.manifest();
	const chapter = chapters.find((c) => c.id === id);
	if (!chapter) throw notFound(`Chapter "${id}"`);
	const target = chapters.find((c) => c.id === chapter[direction]);
	return { from: id, chapter: target ? chapterSummarySchema.parse(target) : null };
}

export const getNextChapter = ({ params }: ChapterId) => neighbour(params.id, 'next');
export const getPreviousChapter = ({ params }: ChapterId) => neighbour(params.id, 'previous');

export async function listQuizzes() {
	const { content } = await getServices();
	return { quizzes: (await content.manifest()).quizzes };
}
