/**
 * Handlers for the operations the site serves as prerendered JSON (no server handler): over MCP
 * they are answered from the private manifest, with the same shapes as the static files.
 */
import type { z } from 'astro/zod';
import { chapterListPages, quizListPages } from '../../content/emit.ts';
import { chapterSummarySchema } from '../../content/schemas.ts';
import { notFound } from '../api/errors.ts';
import type { chapterIdParams } from '../operations/shared.ts';
import { getServices } from '../services.ts';

type ChapterId = { params: z.infer<typeof chapterIdParams> };
type Page = { params: { page: string } };

export async function getCourse() {
	const { content } = await getServices();
	return (await content.manifest()).course;
}

async function chapterPages() {
	const { content } = await getServices();
	const { chapters } = await content.manifest();
	return chapterListPages(chapters.map((c) => chapterSummarySchema.parse(c)));
}

function pageOf<T>(pages: T[], page: number): T {
	const found = pages[page - 1];
	if (!found) throw notFound(`Page ${page} of the list (there ${pages.length === 1 ? 'is 1 page' : `are ${pages.length} pages`})`);
	return found;
}

export const listChapters = async () => pageOf(await chapterPages(), 1);
export const listChaptersPage = async ({ params }: Page) => pageOf(await chapterPages(), Number(params.page));

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

async function quizPages() {
	const { content } = await getServices();
	return quizListPages((await content.manifest()).quizzes);
}

export const listQuizzes = async () => pageOf(await quizPages(), 1);
export const listQuizzesPage = async ({ params }: Page) => pageOf(await quizPages(), Number(params.page));
