/** Serves the generated OpenAPI document as JSON or YAML; `?profile=gpt` is the trimmed one for ChatGPT Actions. */
import type { APIRoute } from 'astro';
import { stringify } from 'yaml';
import { operations } from '../operations/index.ts';
import { getServices } from '../services.ts';
import { errorResponse } from './errors.ts';
import { buildOpenApiDocument, type DocumentProfile } from './openapi.ts';

const cache = new Map<string, string>();

export function openApiRoute(format: 'json' | 'yaml'): APIRoute {
	return async ({ url }) => {
		const profile = (url.searchParams.get('profile') ?? 'full') as DocumentProfile;
		if (profile !== 'full' && profile !== 'gpt') {
			return errorResponse(400, 'validation_failed', 'profile must be "full" or "gpt".', [
				{ in: 'query', field: 'profile', message: 'must be "full" or "gpt"' },
			]);
		}
		const key = `${format}:${profile}`;
		let body = cache.get(key);
		if (!body) {
			const { env, content } = await getServices();
			const { course } = await content.manifest();
			const doc = buildOpenApiDocument(operations, env.PUBLIC_ORIGIN.replace(/\/$/, ''), profile, course);
			body = format === 'json' ? JSON.stringify(doc) : stringify(doc, { aliasDuplicateObjects: false });
			cache.set(key, body);
		}
		const type = format === 'json' ? 'application/json' : 'application/yaml';
		return new Response(body, { headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'public, max-age=300' } });
	};
}
