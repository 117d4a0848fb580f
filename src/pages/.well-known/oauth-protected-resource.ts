import type { APIRoute } from 'astro';
import { protectedResourceMetadata, publicOrigin } from '../../server/mcp/auth.ts';

export const prerender = false;

/** RFC 9728 metadata for the MCP endpoint: which authorization server issues its tokens. */
export const GET: APIRoute = async () =>
	new Response(JSON.stringify(protectedResourceMetadata(await publicOrigin())), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'cache-control': 'public, max-age=300',
			'access-control-allow-origin': '*',
		},
	});
