import type { APIRoute } from 'astro';
import { chapterListPagesOfCourse, jsonFile, listPagePaths } from '../../../../../content/static-json.ts';

export const getStaticPaths = listPagePaths(chapterListPagesOfCourse);

/** One page of the chapter list (page 1 is also chapters.json). */
export const GET: APIRoute = async ({ params }) => {
	const page = (await chapterListPagesOfCourse())[Number(params.page) - 1];
	if (!page) return new Response(null, { status: 404 });
	return jsonFile(page, `chapters/pages/${params.page}.json`);
};
