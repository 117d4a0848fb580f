import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { APIRoute } from 'astro';

export const prerender = false;

/** Scalar's standalone bundle, served from node_modules (no CDN). */
let bundle: Promise<Buffer> | undefined;

export const GET: APIRoute = async () => {
	bundle ??= readFile(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')).catch(() =>
		readFile('node_modules/@scalar/api-reference/dist/browser/standalone.js'),
	);
	return new Response(new Uint8Array(await bundle), {
		headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
	});
};
