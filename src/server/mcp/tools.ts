/**
 * The API operations a tutor needs, as MCP tools. Each tool is its operation: same name,
 * description and zod schemas (params, query and body merged into one input object), same
 * handler and the same errors, so the REST API and MCP cannot drift apart.
 */
import { logUnexpected } from '../log.ts';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { APIContext } from 'astro';
import { type ZodType, z } from 'astro/zod';
import { ApiError } from '../api/errors.ts';
import { type AnyOperation, invokeOperation, type OperationContext } from '../api/operation.ts';
import type { CurrentUser } from '../auth/current-user.ts';
import * as auth from '../operations/auth.ts';
import * as certificates from '../operations/certificates.ts';
import * as content from '../operations/content.ts';
import * as instructor from '../operations/instructor.ts';
import * as progress from '../operations/progress.ts';
import * as quizzes from '../operations/quizzes.ts';
import * as reviews from '../operations/reviews.ts';
import * as search from '../operations/search.ts';
import * as teams from '../operations/teams.ts';
import * as tiers from '../operations/tiers.ts';
import { bearerChallenge, MCP_SCOPES, WWW_AUTHENTICATE_META } from './auth.ts';
import * as catalog from './catalog.ts';
import { widgetToolMeta } from './widgets.ts';

// biome-ignore lint/suspicious/noExplicitAny: handlers of different operations share no narrower context type
type Handler = (ctx: OperationContext<any, any, any, any>) => Promise<unknown>;

export interface McpTool {
	op: AnyOperation;
	/** For static operations (served as prerendered JSON, no handler of their own). */
	handler?: Handler;
	/** Calling twice with the same input changes nothing more; defaults to true for GETs. */
	idempotent?: boolean;
}

/** What a learner's tutor needs; account, admin and billing operations are left out on purpose. */
export const MCP_TOOLS: McpTool[] = [
	{ op: content.getCourse, handler: catalog.getCourse },
	{ op: content.listChapters, handler: catalog.listChapters },
	{ op: content.listChaptersPage, handler: catalog.listChaptersPage },
	{ op: content.getChapter, handler: catalog.getChapter },
	{ op: content.getNextChapter, handler: catalog.getNextChapter },
	{ op: content.getPreviousChapter, handler: catalog.getPreviousChapter },
	{ op: content.getChapterContent },
	{ op: search.searchContent },
	{ op: content.listQuizzes, handler: catalog.listQuizzes },
	{ op: content.listQuizzesPage, handler: catalog.listQuizzesPage },
	{ op: content.getQuiz },
	{ op: quizzes.startQuiz, idempotent: true },
	{ op: quizzes.submitQuiz, idempotent: false },
	{ op: quizzes.getQuizResults },
	{ op: progress.getProgress },
	{ op: progress.updateProgress, idempotent: true },
	{ op: progress.getStreak },
	{ op: progress.recordCheckin, idempotent: true },
	{ op: certificates.getCertificate },
	{ op: certificates.verifyCertificate },
	{ op: reviews.getReviewQueue },
	{ op: reviews.submitReview, idempotent: false },
	{ op: content.checkAccessOp },
	{ op: tiers.getUserTier },
	// "How is my team doing?": answers a team's owner; anyone else gets a sentence saying they own no team.
	{ op: teams.getTeamProgress },
	{ op: auth.getMe },
];

/**
 * "How is my class doing?": listed only to a caller whose token belongs to an administrator, so a
 * learner's tutor never sees them; the operations check the role again on every call.
 */
export const ADMIN_MCP_TOOLS: McpTool[] = [
	{ op: instructor.listLearners },
	{ op: instructor.getQuizStatistics },
	{ op: instructor.getClassOverview },
];

/** Tool-result `_meta` key of an error's `{ code, message, details? }` (the REST API's error body, unwrapped). */
export const ERROR_META = 'error';

/** Who is calling, per HTTP request (the server is built per request: stateless). */
export interface McpCallContext {
	user: CurrentUser | null;
	session: { id: string; kind: string } | null;
	astro: APIContext;
	origin: string;
}

const EMPTY = z.object({});

/** Where each input field goes back to: the operation's path params, query or JSON body. */
interface InputLayout {
	schema: z.ZodObject;
	params: string[];
	query: string[];
	/** Body fields merged at the top level, or null when the body is not an object (sent as `body`). */
	body: string[] | null;
}

const layouts = new Map<string, InputLayout>();

export function inputLayout(op: AnyOperation): InputLayout {
	const cached = layouts.get(op.operationId);
	if (cached) return cached;
	const params = (op.params ?? EMPTY) as z.ZodObject;
	const query = (op.query ?? EMPTY) as z.ZodObject;
	const body = op.body as ZodType | undefined;
	const bodyShape = body instanceof z.ZodObject ? body.shape : body ? { body } : {};
	const shape = { ...params.shape, ...query.shape, ...bodyShape };
	const count = Object.keys(params.shape).length + Object.keys(query.shape).length + Object.keys(bodyShape).length;
	if (Object.keys(shape).length !== count) throw new Error(`${op.operationId}: params, query and body share a field name.`);
	const layout: InputLayout = {
		schema: z.object(shape),
		params: Object.keys(params.shape),
		query: Object.keys(query.shape),
		body: body instanceof z.ZodObject ? Object.keys(body.shape) : null,
	};
	layouts.set(op.operationId, layout);
	return layout;
}

function securitySchemes(op: AnyOperation) {
	const oauth = { type: 'oauth2', scopes: [...MCP_SCOPES] };
	if (op.auth === 'public') return [{ type: 'noauth' }];
	if (op.auth === 'optional') return [{ type: 'noauth' }, oauth];
	return [oauth];
}

export function registerTools(server: McpServer, ctx: McpCallContext): void {
	for (const tool of [...MCP_TOOLS, ...(ctx.user?.role === 'admin' ? ADMIN_MCP_TOOLS : [])]) {
		const { op } = tool;
		const readOnly = op.method === 'GET';
		server.registerTool(
			op.operationId,
			{
				title: op.summary,
				description: op.description,
				inputSchema: inputLayout(op).schema,
				outputSchema: outputSchemaOf(op),
				annotations: {
					readOnlyHint: readOnly,
					destructiveHint: false,
					idempotentHint: tool.idempotent ?? readOnly,
					openWorldHint: false,
				},
				// The TypeScript SDK has no top-level field for it; ChatGPT reads it from _meta too.
				_meta: { securitySchemes: securitySchemes(op), ...widgetToolMeta(op.operationId) },
			},
			(args: Record<string, unknown>) => callTool(tool, args, ctx),
		);
	}
}

/**
 * The tool's outputSchema: the operation's response schema itself. `extend({})` is the same object
 * under a new identity, so a response schema registered under a name (`.meta({ id })`) is inlined at the
 * top level: MCP wants `type: "object"` there, not a bare `$ref` (nested named schemas stay definitions).
 */
export function outputSchemaOf(op: AnyOperation): z.ZodObject {
	if (!(op.response instanceof z.ZodObject)) throw new Error(`${op.operationId}: an MCP tool's response must be an object schema.`);
	return op.response.extend({});
}

function pick(args: Record<string, unknown>, keys: string[]): Record<string, unknown> {
	return Object.fromEntries(keys.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]));
}

export async function callTool(tool: McpTool, args: Record<string, unknown>, ctx: McpCallContext): Promise<CallToolResult> {
	const { op } = tool;
	try {
		const layout = inputLayout(op);
		const input = {
			params: pick(args, layout.params),
			query: pick(args, layout.query),
			body: layout.body ? pick(args, layout.body) : args.body,
		};
		// The operation's own guards and schemas run, so rules and messages match the REST API.
		const result = await invokeOperation(op, input, ctx.astro, { user: ctx.user, session: ctx.session, handler: tool.handler as never });
		if (result instanceof Response) throw new Error(`${op.operationId} answered with a raw Response, which MCP cannot carry.`);
		// The JSON value the REST API would send (dates as strings), once: structured for new clients, as text for older ones.
		const text = JSON.stringify(result);
		return { content: [{ type: 'text', text }], structuredContent: JSON.parse(text) as Record<string, unknown> };
	} catch (error) {
		if (error instanceof ApiError) return errorResult(error, ctx.origin);
		if (error instanceof z.ZodError) {
			return errorResult(new ApiError(400, 'validation_failed', error.issues[0]?.message ?? 'invalid input'), ctx.origin);
		}
		logUnexpected(error, { requestId: ctx.astro.locals.requestId, where: `mcp:${op.operationId}` });
		return errorResult(new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again.'), ctx.origin);
	}
}

/**
 * An API error as a tool error the model can read and act on. The machine-readable error is in
 * `_meta.error`, not `structuredContent`: clients check structuredContent against the tool's
 * outputSchema (the success shape) even on errors. A 401 also carries the Bearer challenge in
 * `_meta`, which is how ChatGPT knows to offer "connect your account".
 */
export function errorResult(error: ApiError, origin: string): CallToolResult {
	const payload = { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
	const details = error.details === undefined ? '' : `\nDetails: ${JSON.stringify(error.details)}`;
	const result: CallToolResult = {
		isError: true,
		content: [{ type: 'text', text: `Error ${error.code}: ${error.message}${details}` }],
		_meta: { [ERROR_META]: payload },
	};
	if (error.status === 401) {
		result._meta = { ...result._meta, [WWW_AUTHENTICATE_META]: [bearerChallenge(origin, 'insufficient_scope', error.message)] };
	}
	return result;
}
