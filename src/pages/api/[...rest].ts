import type { APIRoute } from 'astro';
import { errorResponse } from '../../server/api/errors.ts';

export const prerender = false;

/** Unknown API paths answer in the API's error shape, not with the HTML 404 page. */
export const ALL: APIRoute = ({ url }) =>
	errorResponse(404, 'not_found', `No API endpoint at ${url.pathname}. See /openapi.json for the operations.`);
