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
import { ApiError, apiErrorResponse, errorResponse, forbidden, unauthorized } from './errors.ts';

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
	const type = request.headers.get('content-type') ?? '';
	const text = await readLimited(request, MAX_BODY_BYTES);
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
	return new Response(JSON.stringify(value), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
	});
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
	/** MCP passes the bearer identity only (it ignores cookies) and its own handlers for the static operations. */
	overrides: {
		user?: CurrentUser | null;
		session?: { id: string; kind: string } | null;
		handler?: OperationSpec<P, Q, B, R, A>['handler'];
	} = {},
): Promise<z.input<R> | Response> {
	const user = overrides.user !== undefined ? overrides.user : (context.locals.user ?? null);
	const session = overrides.session !== undefined ? overrides.session : (context.locals.session ?? null);
	if ((op.auth === 'learner' || op.auth === 'admin') && !user) throw unauthorized();
	if (op.auth === 'admin' && user?.role !== 'admin') throw forbidden('This operation is for administrators only.');
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
		request: context.request,
		astro: context,
		now: context.locals.now ?? new Date(),
		clientIp: clientAddress(context),
	});
}

/** Binds an operation to an Astro route. */
export function route<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType, A extends AuthLevel>(
	op: OperationSpec<P, Q, B, R, A>,
): APIRoute {
	return async (context) => {
		try {
			// Auth guards run before the body is read, so an anonymous caller gets 401, not 400.
			const user = context.locals.user ?? null;
			// A bearer token that names no one is a 401 (RFC 6750 §3.1), never a quiet fall-back to anonymous.
			if (op.auth !== 'public' && !user && bearerToken(context.request) !== null) {
				throw new ApiError(401, 'invalid_token', 'The access token is invalid, expired or revoked: sign in or link the app again.');
			}
			if ((op.auth === 'learner' || op.auth === 'admin') && !user) throw unauthorized();
			if (op.auth === 'admin' && user?.role !== 'admin') throw forbidden('This operation is for administrators only.');
			const body = op.body ? await readJsonBody(context.request) : undefined;
			const result = await invokeOperation(
				op,
				{ params: context.params, query: Object.fromEntries(new URL(context.request.url).searchParams), body },
				context,
			);
			if (result instanceof Response) return result;
			return json(result, op.status ?? 200);
		} catch (error) {
			if (error instanceof ApiError) {
				const response = apiErrorResponse(error);
				// RFC 9110 §15.5.2: every 401 names its scheme.
				if (error.status === 401 && !response.headers.has('www-authenticate')) {
					response.headers.set('WWW-Authenticate', apiBearerChallenge(context.request));
				}
				return response;
			}
			if (isDatabaseUnavailable(error)) return databaseUnavailableResponse();
			logUnexpected(error, { requestId: context.locals.requestId, where: op.operationId });
			return errorResponse(500, 'internal_error', 'Something went wrong on our side. Please try again.');
		}
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
