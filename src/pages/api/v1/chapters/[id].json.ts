import type { APIRoute } from 'astro';
import { getChapter } from '../../../../content/course.ts';
import { chapterPublic } from '../../../../content/emit.ts';
import { chapterPaths, jsonFile } from '../../../../content/static-json.ts';

export const getStaticPaths = chapterPaths;

/** Metadata for every chapter; the text (sections) for free chapters only. */
export const GET: APIRoute = async ({ params }) => {
	const chapter = await getChapter(params.id ?? '');
	if (!chapter) return new Response(null, { status: 404 });
	return jsonFile(chapterPublic(chapter, chapter.tier === 'free'), `chapters/${chapter.id}.json`);
};
