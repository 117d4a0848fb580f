import type { APIRoute } from 'astro';
import { publicOrigin } from '../server/mcp/auth.ts';
import { jsonRpcError, preflight } from '../server/mcp/http.ts';
import { handleMcpRequest } from '../server/mcp/server.ts';

export const prerender = false;

/** Model Context Protocol over Streamable HTTP (stateless: POST only, see src/server/mcp/server.ts). */
export const POST: APIRoute = (context) => handleMcpRequest(context);

/** CORS preflight for browser-based MCP clients on the allowed origins. */
export const OPTIONS: APIRoute = async ({ request }) => preflight(request, await publicOrigin());

/** No server-initiated stream (GET) and no session to end (DELETE): the transport spec's 405, as JSON-RPC. */
export const ALL: APIRoute = () =>
	jsonRpcError(405, 'Method not allowed: this MCP endpoint is stateless; send JSON-RPC messages with POST.', {
		headers: { Allow: 'POST' },
	});
