/**
 * The MCP endpoint (Streamable HTTP, stateless): one server and transport per POST, answered as
 * JSON. Every call is request/response and identity comes from the bearer token on each request,
 * so there is no session to keep, share between instances or expire.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { APIContext } from 'astro';
import { errorResponse } from '../api/errors.ts';
import { MAX_BODY_BYTES } from '../api/operation.ts';
import { bearerToken } from '../auth/request-auth.ts';
import { bearerChallenge, publicOrigin } from './auth.ts';
import { getServices } from '../services.ts';
import { registerResources } from './resources.ts';
import { type McpCallContext, registerTools } from './tools.ts';

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
	return server;
}

/** POST /mcp. A bearer token that does not resolve to a session gets 401 before any MCP handling. */
export async function handleMcpRequest(context: APIContext): Promise<Response> {
	const origin = await publicOrigin();
	// Only a bearer token identifies an MCP caller: cookies are ignored here (the path has no CSRF check).
	const hasBearer = bearerToken(context.request) !== null;
	const user = hasBearer ? (context.locals.user ?? null) : null;
	if (hasBearer && !user) {
		return errorResponse(401, 'invalid_token', 'The access token is invalid, expired or revoked: link your account again.', undefined, {
			'WWW-Authenticate': bearerChallenge(origin, 'invalid_token', 'The access token is invalid, expired or revoked'),
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
		const response = await transport.handleRequest(context.request);
		const headers = new Headers(response.headers);
		headers.set('cache-control', 'no-store');
		return new Response(response.body, { status: response.status, headers });
	} finally {
		await server.close();
	}
}
