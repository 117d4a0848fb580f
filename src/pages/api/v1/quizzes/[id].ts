import type { APIRoute } from 'astro';
import { errorResponse } from '../../../../server/api/errors.ts';
import { bind } from '../../../../server/api/operation.ts';
import { getQuiz } from '../../../../server/operations/content.ts';

export const prerender = false;
const routes = bind({ GET: getQuiz });

/** `/api/v1/quizzes/<id>.json` exists as a static file for free quizzes only; say where a premium one is. */
export const GET: APIRoute = (context) => {
	const id = context.params.id ?? '';
	if (id.endsWith('.json')) {
		const quizId = id.slice(0, -'.json'.length);
		return errorResponse(
			404,
			'not_found',
			`No static file for quiz "${quizId}": premium quizzes are served by GET /api/v1/quizzes/${quizId} to learners whose tier includes them.`,
		);
	}
	return (routes.GET as APIRoute)(context);
};
export const ALL = routes.ALL as APIRoute;
