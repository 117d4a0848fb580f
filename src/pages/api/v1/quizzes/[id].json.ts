import type { APIRoute } from 'astro';
import { getCompiledCourse } from '../../../../content/course.ts';
import { quizPublic } from '../../../../content/emit.ts';
import { jsonFile } from '../../../../content/static-json.ts';

/** Free quizzes only, and never their answers; premium quizzes are served by the API after a tier check. */
export async function getStaticPaths() {
	const { quizzes } = await getCompiledCourse();
	return quizzes.filter((q) => q.tier === 'free').map((q) => ({ params: { id: q.id } }));
}

export const GET: APIRoute = async ({ params }) => {
	const { quizzes } = await getCompiledCourse();
	const quiz = quizzes.find((q) => q.id === params.id && q.tier === 'free');
	if (!quiz) return new Response(null, { status: 404 });
	return jsonFile(quizPublic(quiz), `quizzes/${quiz.id}.json`);
};
