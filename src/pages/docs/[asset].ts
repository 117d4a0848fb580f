import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { APIRoute } from 'astro';
import { errorResponse } from '../../server/api/errors.ts';

export const prerender = false;

/** Swagger UI's own files, served from node_modules (no CDN). Only these names are served. */
const ASSETS: Record<string, string> = {
	'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
	'swagger-ui.css': 'text/css; charset=utf-8',
};
const files = new Map<string, Promise<Buffer>>();

function dir(): string {
	return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export const GET: APIRoute = async ({ params }) => {
	const name = params.asset ?? '';
	const type = ASSETS[name];
	if (!type) return errorResponse(404, 'not_found', `No documentation asset named "${name}".`);
	let file = files.get(name);
	if (!file) {
		file = readFile(path.join(dir(), name));
		files.set(name, file);
	}
	return new Response(new Uint8Array(await file), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
};
