import type { APIRoute } from 'astro';
import { errorResponse } from '../server/api/errors.ts';
import { handleMcpRequest } from '../server/mcp/server.ts';

export const prerender = false;

/** Model Context Protocol over Streamable HTTP (stateless: POST only, see src/server/mcp/server.ts). */
export const POST: APIRoute = (context) => handleMcpRequest(context);

/** No server-initiated stream (GET) and no session to end (DELETE): the transport spec's 405. */
export const ALL: APIRoute = () =>
	errorResponse(405, 'method_not_allowed', 'This MCP endpoint is stateless: send JSON-RPC messages with POST.', undefined, {
		Allow: 'POST',
	});
