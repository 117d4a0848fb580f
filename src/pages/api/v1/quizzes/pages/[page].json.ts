import type { APIRoute } from 'astro';
import { jsonFile, listPagePaths, quizListPagesOfCourse } from '../../../../../content/static-json.ts';

export const getStaticPaths = listPagePaths(quizListPagesOfCourse);

/** One page of the quiz list (page 1 is also quizzes.json). */
export const GET: APIRoute = async ({ params }) => {
	const page = (await quizListPagesOfCourse())[Number(params.page) - 1];
	if (!page) return new Response(null, { status: 404 });
	return jsonFile(page, `quizzes/pages/${params.page}.json`);
};
