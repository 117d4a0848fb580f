/**
 * The HTTP edge of /mcp in MCP's own terms: JSON-RPC error bodies (the shape the SDK's transport uses
 * for its own 4xx), `Origin` validation (Streamable HTTP transport spec: 403 for a foreign origin; no
 * Origin is a server-to-server client and fine) and CORS for the origins a deployment allows.
 */
import { serverEnv } from '../env.ts';
import { MAX_BODY_BYTES, readBodyText } from '../http/body.ts';

/** JSON-RPC's "server error" range; the SDK uses -32000 for transport-level refusals too. */
export const TRANSPORT_ERROR = -32000;

/** Request ids of a JSON-RPC message or batch, for the error that answers it (null when unknown). */
export function requestIdOf(message: unknown): string | number | null {
	const first = Array.isArray(message) ? message[0] : message;
	const id = (first as { id?: unknown } | null)?.id;
	return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** A JSON-RPC error response with an HTTP status. */
export function jsonRpcError(
	status: number,
	message: string,
	options: { id?: string | number | null; code?: number; data?: unknown; headers?: Record<string, string> } = {},
): Response {
	const error = { code: options.code ?? TRANSPORT_ERROR, message, ...(options.data === undefined ? {} : { data: options.data }) };
	// The MCP schema (2025-11-25) makes `id` optional and not nullable: it is left out when the request's is unknown.
	const id = options.id === undefined || options.id === null ? {} : { id: options.id };
	return new Response(JSON.stringify({ jsonrpc: '2.0', ...id, error }), {
		status,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...options.headers },
	});
}

/** Browser origins allowed to call /mcp: the site itself plus MCP_ALLOWED_ORIGINS (e.g. a browser-based MCP client's origin). */
export function allowedOrigins(publicOrigin: string): string[] {
	return [new URL(publicOrigin).origin, ...serverEnv().MCP_ALLOWED_ORIGINS];
}

/** `Origin` check: null when the request may go on, else the 403 to send. */
export function originRefusal(request: Request, publicOrigin: string): Response | null {
	const origin = request.headers.get('origin');
	if (origin === null || allowedOrigins(publicOrigin).includes(origin)) return null;
	return jsonRpcError(403, `Forbidden: requests from the origin ${origin} are not allowed on this MCP endpoint.`);
}

/** Headers a browser client needs to read: the challenge, rate limits and the MCP transport's own. */
const EXPOSED =
	'WWW-Authenticate, Retry-After, RateLimit, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Mcp-Session-Id, Mcp-Protocol-Version';

/** CORS headers for an allowed browser origin (no credentials: MCP clients send a bearer token, never cookies). */
export function corsHeaders(request: Request, publicOrigin: string): Record<string, string> {
	const origin = request.headers.get('origin');
	if (origin === null || !allowedOrigins(publicOrigin).includes(origin)) return { Vary: 'Origin' };
	return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED, Vary: 'Origin' };
}

/** OPTIONS /mcp: the CORS preflight for an allowed origin; 403 for any other. */
export function preflight(request: Request, publicOrigin: string): Response {
	const refused = originRefusal(request, publicOrigin);
	if (refused) return refused;
	return new Response(null, {
		status: 204,
		headers: {
			...corsHeaders(request, publicOrigin),
			'Access-Control-Allow-Methods': 'POST',
			'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID',
			'Access-Control-Max-Age': '600',
		},
	});
}

/** A rate-limit refusal on /mcp: HTTP 429 with Retry-After, and a JSON-RPC error carrying the same. */
export async function mcpRateLimitedResponse(
	request: Request,
	publicOrigin: string,
	message: string,
	headers: Record<string, string>,
): Promise<Response> {
	let id: string | number | null = null;
	try {
		// The body is at most the MCP limit; only its id is needed to answer the request it belongs to.
		id = requestIdOf(JSON.parse(await readBodyText(request.clone(), MAX_BODY_BYTES)));
	} catch {
		// Not JSON: the error has no id, as JSON-RPC allows.
	}
	return jsonRpcError(429, message, {
		id,
		data: { retryAfterSeconds: Number(headers['Retry-After']) },
		headers: { ...headers, ...corsHeaders(request, publicOrigin) },
	});
}
