/**
 * One definition per API operation: its zod schemas validate the request, type the handler and
 * generate the OpenAPI document (src/server/api/openapi.ts). Endpoint files only bind a route.
 */
import { logUnexpected } from '../log.ts';
import { BodyTooLargeError, MAX_BODY_BYTES, readBodyText } from '../http/body.ts';
import { fieldPath } from '../../content/errors.ts';
import type { APIContext, APIRoute } from 'astro';
import { type ZodType, z } from 'astro/zod';
import type { CurrentUser } from '../auth/current-user.ts';
import { apiBearerChallenge, bearerToken } from '../auth/request-auth.ts';
import { clientAddress } from '../client-address.ts';
import { databaseUnavailableResponse, isDatabaseUnavailable } from '../db/unavailable.ts';
import { jsonAnswer, type PlainAnswer, toResponse } from '../http/answer.ts';
import type { HeaderReader } from '../http/incoming.ts';
import { ApiError, apiErrorAnswer, errorResponse, forbidden, unauthorized } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/** public: no identity; optional: answers differ when signed in; learner: any signed-in user; admin: role admin. */
export type AuthLevel = 'public' | 'optional' | 'learner' | 'admin';

export interface OperationContext<P, Q, B, A extends AuthLevel> {
	params: P;
	query: Q;
	body: B;
	user: A extends 'learner' | 'admin' ? CurrentUser : CurrentUser | null;
	session: { id: string; kind: string } | null;
	request: Request;
	astro: APIContext;
	now: Date;
	clientIp: string;
}

export interface OperationSpec<
	P extends z.ZodObject = z.ZodObject,
	Q extends z.ZodObject = z.ZodObject,
	B extends ZodType = ZodType,
	R extends ZodType = ZodType,
	A extends AuthLevel = AuthLevel,
> {
	operationId: string;
	method: HttpMethod;
	/** OpenAPI-style path, e.g. `/api/v1/me/quizzes/{id}/attempts`. */
	path: string;
	/** At most 300 characters (ChatGPT Actions' limit); tells the model when to call it. */
	summary: string;
	description: string;
	tags: string[];
	auth: A;
	/** GPT Actions ask the user before consequential calls; absent = GET false, others true. */
	consequential?: boolean;
	params?: P;
	query?: Q;
	body?: B;
	response: R;
	/** Media type of a successful response (default application/json); any other is returned by the handler as a Response. */
	mediaType?: string;
	/** Status of a successful response (default 200). */
	status?: number;
	/** Error statuses this operation can return, for the document. */
	errors?: number[];
	/** false: apps connected with OAuth (ChatGPT, MCP clients) may not call it — account security stays with the learner. */
	oauth?: false;
	/** Documented-only operations are served as static files (the prerendered JSON). */
	static?: boolean;
	/**
	 * The handler uses `astro` (sets cookies) or reads the raw request: the production server's API
	 * dispatcher (src/server/http/api-dispatch.ts) leaves the operation to its Astro route.
	 */
	needsAstro?: true;
	handler?: (ctx: OperationContext<z.infer<P>, z.infer<Q>, z.infer<B>, A>) => Promise<z.input<R> | Response>;
}

/** Any operation, whatever its schemas: for registries such as the OpenAPI generator. */
// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous list of operations has no narrower common type
export type AnyOperation = OperationSpec<any, any, any, any, any>;

export function defineOperation<
	P extends z.ZodObject = z.ZodObject<{}>,
	Q extends z.ZodObject = z.ZodObject<{}>,
	B extends ZodType = z.ZodUndefined,
	R extends ZodType = ZodType,
	A extends AuthLevel = AuthLevel,
>(spec: OperationSpec<P, Q, B, R, A>): OperationSpec<P, Q, B, R, A> {
	return spec;
}

/** Larger request bodies are refused with 413 before parsing. */
export { MAX_BODY_BYTES };

/** Built once: zod 4 compiles an object schema on its first parse, so a fresh `z.object({})` per request cost ~5% of a request. */
const NO_FIELDS = z.object({});

/** Turns zod issues into the `details` of a 400: where and what. */
export function validationDetails(error: z.ZodError, location: 'body' | 'query' | 'path') {
	return error.issues.map((issue) => ({
		in: location,
		field: fieldPath(issue.path) || null,
		message: issue.message,
	}));
}

function parseOrThrow<T extends ZodType>(schema: T, input: unknown, location: 'body' | 'query' | 'path'): z.infer<T> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const details = validationDetails(result.error, location);
	const first = details[0];
	const where = first?.field ? `${location}.${first.field}` : location;
	throw new ApiError(400, 'validation_failed', `Invalid ${where}: ${first?.message ?? 'invalid input'}`, details);
}

export async function readJsonBody(request: Request): Promise<unknown> {
	return parseJsonBody(request.headers.get('content-type'), await readLimited(request, MAX_BODY_BYTES));
}

/** A body already read (at most MAX_BODY_BYTES): undefined when empty, 415 unless JSON, 400 when malformed. */
export function parseJsonBody(contentType: string | null, text: string): unknown {
	const type = contentType ?? '';
	if (text.trim() === '') return undefined;
	if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
		throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
	}
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new ApiError(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
	}
}

export async function readLimited(request: Request, limit: number): Promise<string> {
	try {
		return await readBodyText(request, limit);
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new ApiError(413, 'payload_too_large', error.message);
		throw error;
	}
}

export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return toResponse(jsonAnswer(value, status, headers));
}

/** Who calls and when: what an operation's guards and handler take from the request, whichever server received it. */
export interface CallScope {
	user: CurrentUser | null;
	session: { id: string; kind: string } | null;
	now: Date;
	clientIp: string;
	requestId: string | undefined;
	headers: HeaderReader;
	readonly request: Request;
	readonly astro: APIContext;
}

/** The scope of a request Astro routed: identity and clock from the middleware's locals. */
export function astroScope(context: APIContext): CallScope {
	return {
		user: context.locals.user ?? null,
		session: context.locals.session ?? null,
		now: context.locals.now ?? new Date(),
		clientIp: clientAddress(context),
		requestId: context.locals.requestId,
		headers: context.request.headers,
		request: context.request,
		astro: context,
	};
}

/**
 * Runs an operation on already-read input: guards in a fixed order (401 → 403 → 400), then the
 * handler. Throws ApiError. Used by the HTTP routes, the server-rendered pages' forms and MCP.
 */
export async function invokeOperation<
	P extends z.ZodObject,
	Q extends z.ZodObject,
	B extends ZodType,
	R extends ZodType,
	A extends AuthLevel,
>(
	op: OperationSpec<P, Q, B, R, A>,
	input: { params?: unknown; query?: unknown; body?: unknown },
	context: APIContext,
	overrides: CallOverrides<P, Q, B, R, A> = {},
): Promise<z.input<R> | Response> {
	return runOperation(op, input, astroScope(context), overrides);
}

/** MCP passes the bearer identity only (it ignores cookies) and its own handlers for the static operations. */
interface CallOverrides<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType, A extends AuthLevel> {
	user?: CurrentUser | null;
	session?: { id: string; kind: string } | null;
	handler?: OperationSpec<P, Q, B, R, A>['handler'];
}

/** The caller guards, 401 before 403: whoever may not call the operation is refused before anything is read. */
function assertMayCall(op: AnyOperation, user: CurrentUser | null): void {
	if ((op.auth === 'learner' || op.auth === 'admin') && !user) throw unauthorized();
	if (op.auth === 'admin' && user?.role !== 'admin') throw forbidden('This operation is for administrators only.');
}

/** invokeOperation on a scope rather than Astro's context (the API dispatcher has none). */
export async function runOperation<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType, A extends AuthLevel>(
	op: OperationSpec<P, Q, B, R, A>,
	input: { params?: unknown; query?: unknown; body?: unknown },
	scope: CallScope,
	overrides: CallOverrides<P, Q, B, R, A> = {},
): Promise<z.input<R> | Response> {
	const user = overrides.user !== undefined ? overrides.user : scope.user;
	const session = overrides.session !== undefined ? overrides.session : scope.session;
	assertMayCall(op, user);
	if (op.oauth === false && session?.kind === 'oauth') {
		throw new ApiError(
			403,
			'insufficient_scope',
			'Apps connected with OAuth cannot do this; sign in to the course site to manage your account.',
		);
	}
	const params = parseOrThrow(op.params ?? NO_FIELDS, input.params ?? {}, 'path');
	const query = parseOrThrow(op.query ?? NO_FIELDS, input.query ?? {}, 'query');
	const body = op.body ? parseOrThrow(op.body, input.body, 'body') : undefined;
	const handler = overrides.handler ?? op.handler;
	if (!handler) throw new ApiError(404, 'not_found', 'This operation is served as a static file.');
	return handler({
		params: params as z.infer<P>,
		query: query as z.infer<Q>,
		body: body as z.infer<B>,
		user: user as OperationContext<z.infer<P>, z.infer<Q>, z.infer<B>, A>['user'],
		session,
		get request() {
			return scope.request;
		},
		get astro() {
			return scope.astro;
		},
		now: scope.now,
		clientIp: scope.clientIp,
	});
}

/** A routed call: the scope, the path parameters and query, and the body still to read (at most MAX_BODY_BYTES, as text). */
export interface RouteCall {
	scope: CallScope;
	params: Record<string, string | undefined>;
	query: Record<string, string>;
	readBody(): Promise<string>;
}

/**
 * What a route answers, whichever server routed it: guards before the body is read, the operation, and
 * every failure in the API's one error shape. A handler's own Response (a CSV export) passes through.
 */
export async function answerRoute<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType, A extends AuthLevel>(
	op: OperationSpec<P, Q, B, R, A>,
	call: RouteCall,
): Promise<PlainAnswer | Response> {
	const { scope } = call;
	try {
		// Auth guards run before the body is read, so an anonymous caller gets 401, not 400.
		const user = scope.user;
		// A bearer token that names no one is a 401 (RFC 6750 §3.1), never a quiet fall-back to anonymous.
		if (op.auth !== 'public' && !user && bearerToken(scope) !== null) {
			throw new ApiError(401, 'invalid_token', 'The access token is invalid, expired or revoked: sign in or link the app again.');
		}
		assertMayCall(op, user);
		const body = op.body ? parseJsonBody(scope.headers.get('content-type'), await readBodyOrThrow(call)) : undefined;
		const result = await runOperation(op, { params: call.params, query: call.query, body }, scope);
		if (result instanceof Response) return result;
		return jsonAnswer(result, op.status ?? 200);
	} catch (error) {
		if (error instanceof ApiError) {
			const answer = apiErrorAnswer(error);
			// RFC 9110 §15.5.2: every 401 names its scheme.
			if (error.status === 401 && !Object.keys(answer.headers).some((name) => name.toLowerCase() === 'www-authenticate')) {
				answer.headers['WWW-Authenticate'] = apiBearerChallenge(scope);
			}
			return answer;
		}
		if (isDatabaseUnavailable(error)) return databaseUnavailableResponse();
		logUnexpected(error, { requestId: scope.requestId, where: op.operationId });
		return errorResponse(500, 'internal_error', 'Something went wrong on our side. Please try again.');
	}
}

async function readBodyOrThrow(call: RouteCall): Promise<string> {
	try {
		return await call.readBody();
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new ApiError(413, 'payload_too_large', error.message);
		throw error;
	}
}

/** Binds an operation to an Astro route. */
export function route<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType, A extends AuthLevel>(
	op: OperationSpec<P, Q, B, R, A>,
): APIRoute {
	return async (context) => {
		const answer = await answerRoute(op, {
			scope: astroScope(context),
			params: context.params,
			query: Object.fromEntries(new URL(context.request.url).searchParams),
			readBody: () => readBodyText(context.request, MAX_BODY_BYTES),
		});
		return answer instanceof Response ? answer : toResponse(answer);
	};
}

/** Binds operations to one route file; other methods get a 405 naming the allowed ones. */
export function bind(ops: Partial<Record<HttpMethod, AnyOperation>>): Record<string, APIRoute> {
	const handlers: Record<string, APIRoute> = {};
	for (const [method, op] of Object.entries(ops)) if (op) handlers[method] = route(op);
	const allowed = Object.keys(handlers).join(', ');
	handlers.ALL = () => errorResponse(405, 'method_not_allowed', `This endpoint accepts ${allowed}.`, undefined, { Allow: allowed });
	return handlers;
}
