/**
 * The MCP endpoint (Streamable HTTP, stateless): one server and transport per POST, answered as
 * JSON. Every call is request/response and identity comes from the bearer token on each request,
 * so there is no session to keep, share between instances or expire.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { APIContext } from 'astro';
import { BodyTooLargeError, MAX_BODY_BYTES, readBodyText } from '../http/body.ts';
import { bearerToken } from '../auth/request-auth.ts';
import { bearerChallenge, publicOrigin } from './auth.ts';
import { getServices } from '../services.ts';
import { registerResources } from './resources.ts';
import { corsHeaders, jsonRpcError, originRefusal, requestIdOf } from './http.ts';
import { ADMIN_MCP_TOOLS, MCP_TOOLS, type McpCallContext, registerTools } from './tools.ts';
import { registerWidgetResources } from './widgets.ts';

export const MCP_SERVER_INFO = { name: 'course-companion', title: 'Course Companion', version: '1.0.0' };

/** What the client's model reads about this server: names the course that is built. */
export function mcpInstructions(course: { title: string; description: string }): string {
	return [
		`Course Companion for the course "${course.title}": ${course.description.trim()}`,
		'It has chapters, quizzes, progress and streaks.',
		INSTRUCTIONS,
	].join(' ');
}

const INSTRUCTIONS = [
	'Before answering a course question call searchContent and answer only from the passages it returns, linking their urls;',
	'when it finds nothing, say the course does not cover it. getChapterContent gives a whole chapter.',
	'Premium chapters need a linked account whose tier includes them (checkAccess tells). Progress, streak and quiz tools act',
	"for the linked learner only. Ask every quiz question before submitQuiz; never guess the learner's answers.",
].join(' ');

export function createMcpServer(ctx: McpCallContext, course: { title: string; description: string }): McpServer {
	// A quiz answer set is at most 200 questions of 50 options: far below this bound.
	const server = new McpServer(
		{ ...MCP_SERVER_INFO, title: course.title },
		{ instructions: mcpInstructions(course), maxToolInputElements: 12_000 },
	);
	registerTools(server, ctx);
	registerResources(server, ctx);
	registerWidgetResources(server, ctx.origin);
	return server;
}

/** Tools that need a linked learner: called anonymously they are an HTTP 401, which starts OAuth in standard clients. */
const PROTECTED_TOOLS = new Set(
	[...MCP_TOOLS, ...ADMIN_MCP_TOOLS].filter((t) => t.op.auth === 'learner' || t.op.auth === 'admin').map((t) => t.op.operationId),
);

/** True when a JSON-RPC message (or batch) calls a tool that needs a linked learner. */
export function callsProtectedTool(message: unknown): boolean {
	const messages = Array.isArray(message) ? message : [message];
	return messages.some((m) => {
		const { method, params } = (m ?? {}) as { method?: unknown; params?: { name?: unknown } };
		return method === 'tools/call' && typeof params?.name === 'string' && PROTECTED_TOOLS.has(params.name);
	});
}

/**
 * POST /mcp, in the order of the MCP authorization spec: Origin (403), then identity. A bearer token
 * that does not resolve to a session — or is bound to another resource (RFC 8707) — is a 401 with
 * `error="invalid_token"`; no token on a call to a protected tool is a 401 with the bare challenge
 * (RFC 9728 §5.1). Public tools, listings and the handshake stay open to anonymous callers.
 */
export async function handleMcpRequest(context: APIContext): Promise<Response> {
	const origin = await publicOrigin();
	const { request } = context;
	const refused = originRefusal(request, origin);
	if (refused) return refused;
	const cors = corsHeaders(request, origin);
	// Only a bearer token identifies an MCP caller: cookies are ignored here (the path has no CSRF check).
	const hasBearer = bearerToken(request) !== null;
	const user = hasBearer ? (context.locals.user ?? null) : null;
	if (hasBearer && !user) {
		return jsonRpcError(401, 'The access token is invalid, expired, revoked or for another resource: link your account again.', {
			headers: { ...cors, 'WWW-Authenticate': bearerChallenge(origin, 'invalid_token', 'The access token is invalid, expired or revoked') },
		});
	}
	let parsedBody: unknown;
	try {
		parsedBody = JSON.parse(await readBodyText(request, MAX_BODY_BYTES));
	} catch (error) {
		if (error instanceof BodyTooLargeError) return jsonRpcError(413, error.message, { headers: cors });
		return jsonRpcError(400, 'Parse error: Invalid JSON', { code: -32700, headers: cors });
	}
	if (!user && callsProtectedTool(parsedBody)) {
		return jsonRpcError(401, 'This tool acts for a linked learner: connect your course account first.', {
			id: requestIdOf(parsedBody),
			headers: { ...cors, 'WWW-Authenticate': bearerChallenge(origin) },
		});
	}
	const { course } = await (await getServices()).content.manifest();
	const server = createMcpServer({ user, session: hasBearer ? (context.locals.session ?? null) : null, astro: context, origin }, course);
	const transport = new WebStandardStreamableHTTPServerTransport({
		sessionIdGenerator: undefined,
		enableJsonResponse: true,
		maxRequestBodySize: MAX_BODY_BYTES,
	});
	try {
		await server.connect(transport);
		const response = await transport.handleRequest(request, { parsedBody });
		const headers = new Headers(response.headers);
		headers.set('cache-control', 'no-store');
		for (const [name, value] of Object.entries(cors)) headers.set(name, value);
		return new Response(response.body, { status: response.status, headers });
	} finally {
		await server.close();
	}
}
