import type { APIRoute } from 'astro';
import { buildOpenApiDocument } from '../server/api/openapi.ts';
import { operations } from '../server/operations/index.ts';
import { getServices } from '../server/services.ts';

export const prerender = false;

let cached: string | undefined;

export const GET: APIRoute = async () => {
	const { env } = await getServices();
	cached ??= JSON.stringify(buildOpenApiDocument(operations, env.PUBLIC_ORIGIN.replace(/\/$/, '')), null, 2);
	return new Response(cached, { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' } });
};
