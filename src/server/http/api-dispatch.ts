/**
 * The production server's way into the API (scripts/serve.ts): each operation of the one registry
 * (src/server/operations/index.ts) answered straight from node:http, without Astro's per-request
 * pipeline (a WHATWG Request and Response, streams, routing, cookies, middleware sequence), which cost
 * about two thirds of a check-in's server CPU (docs/decisions/0028-api-dispatcher.md). The same guards
 * (admission.ts) and the same route runner (answerRoute) as the Astro routes, so both answer alike;
 * whatever this does not match (other methods, dotted or escaped segments, operations that need Astro's
 * context) goes to Astro, as does everything under `npm run dev`.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { apiErrorAnswer } from '../api/errors.ts';
import { type AnyOperation, answerRoute, type CallScope, MAX_BODY_BYTES } from '../api/operation.ts';
import { clientAddress } from '../client-address.ts';
import { withStatementCount } from '../db/statement-count.ts';
import { databaseUnavailableResponse, isDatabaseUnavailable } from '../db/unavailable.ts';
import { getServices } from '../services.ts';
import { type Arrival, admit } from './admission.ts';
import type { PlainAnswer } from './answer.ts';
import { readNodeBodyText } from './body.ts';
import { headerCookieJar, nodeHeaders } from './incoming.ts';

interface CompiledRoute {
	pattern: RegExp;
	names: string[];
	op: AnyOperation;
}

/**
 * The origin Astro's node adapter gives a request (createRequestFromNodeRequest): plain http (serve.ts has no
 * TLS) and the Host header, `localhost` without one; what the CSRF check compares Origin with, besides PUBLIC_ORIGIN.
 */
let lastHost: string | undefined;
let lastOrigin = 'http://localhost';
function requestOrigin(host: string | undefined): string {
	if (host === lastHost) return lastOrigin;
	const candidate = `http://${host ?? 'localhost'}`;
	lastHost = host;
	lastOrigin = URL.canParse(candidate) ? new URL(candidate).origin : 'http://localhost';
	return lastOrigin;
}

/** `{id}` matches one segment without a dot or an escape: `[id].json` siblings and encoded ids stay with Astro's router. */
function compile(op: AnyOperation): CompiledRoute {
	const names: string[] = [];
	const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_: string, name: string) => {
		names.push(name);
		return '([^/.%]+)';
	});
	return { pattern: new RegExp(`^${source}$`), names, op };
}

export type ApiDispatcher = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** Returns a dispatcher: true when it took the request (and answers it), false to leave it to the next handler. */
export function createApiDispatcher(operations: readonly AnyOperation[]): ApiDispatcher {
	const byMethod = new Map<string, CompiledRoute[]>();
	for (const op of operations) {
		if (op.static || !op.handler || op.needsAstro) continue;
		byMethod.set(op.method, [...(byMethod.get(op.method) ?? []), compile(op)]);
	}
	return (req, res) => {
		const routes = byMethod.get(req.method ?? '');
		if (!routes) return false;
		const target = req.url ?? '/';
		const q = target.indexOf('?');
		const pathname = q === -1 ? target : target.slice(0, q);
		for (const route of routes) {
			const match = route.pattern.exec(pathname);
			if (!match) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, i) => {
				params[name] = match[i + 1] as string;
			});
			const query = q === -1 ? {} : Object.fromEntries(new URLSearchParams(target.slice(q + 1)));
			void dispatch(route.op, req, res, pathname, params, query).catch((error: unknown) => {
				console.error(error);
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
				res.end('Internal Server Error');
			});
			return true;
		}
		return false;
	};
}

async function dispatch(
	op: AnyOperation,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	pathname: string,
	params: Record<string, string>,
	query: Record<string, string>,
): Promise<void> {
	const services = await getServices();
	const headers = nodeHeaders(req.headers);
	const cookies = headerCookieJar(req.headers.cookie);
	const requestId = headers.get('x-request-id') ?? randomUUID();
	const answerRequest = async (): Promise<PlainAnswer | Response> => {
		const arrival: Arrival = {
			method: req.method ?? 'GET',
			url: { pathname, origin: requestOrigin(req.headers.host) },
			headers,
			cookies,
			// As Astro's adapter: the socket's peer, or a throw when it cannot tell (clientAddress() then says "unknown").
			get clientAddress() {
				const address = req.socket.remoteAddress;
				if (!address) throw new Error('The client address is unknown.');
				return address;
			},
		};
		const admission = await admit(services, arrival);
		// Only API paths come here: every refusal is in the API's error shape.
		if (!admission.admitted) return apiErrorAnswer(admission.error);
		const { auth, now, limitHeaders } = admission;
		let request: Request | undefined;
		const scope: CallScope = {
			user: auth?.user ?? null,
			session: auth ? { id: auth.session.id, kind: auth.session.kind } : null,
			now,
			clientIp: clientAddress({
				get clientAddress() {
					return arrival.clientAddress;
				},
				request: arrival,
			}),
			requestId,
			headers,
			// No operation served here reads the raw request (those are `needsAstro`): a bodiless copy, built only if asked for.
			get request() {
				request ??= new Request(`${arrival.url.origin}${req.url ?? '/'}`, {
					method: req.method ?? 'GET',
					headers: req.headers as HeadersInit,
				});
				return request;
			},
			get astro(): never {
				throw new Error(`${op.operationId} needs Astro's context: mark it needsAstro so the dispatcher leaves it to its route.`);
			},
		};
		const answer = await answerRoute(op, { scope, params, query, readBody: () => readNodeBodyText(req, MAX_BODY_BYTES) });
		return withLimitHeaders(answer, limitHeaders);
	};
	let answer: PlainAnswer | Response;
	let statements: number | undefined;
	try {
		if (services.env.DB_STATEMENT_COUNTS === 'true') ({ result: answer, statements } = await withStatementCount(answerRequest));
		else answer = await answerRequest();
	} catch (error) {
		if (!isDatabaseUnavailable(error)) throw error;
		console.error(`[db] unavailable: ${(error as Error).message}`);
		answer = databaseUnavailableResponse();
	}
	await write(res, answer, cookies.setCookieHeaders(), statements);
}

/** A stricter limiter (sign-in) may already have answered with its own figures: keep those (as the middleware does). */
function withLimitHeaders(answer: PlainAnswer | Response, limitHeaders: Record<string, string>): PlainAnswer | Response {
	if (answer instanceof Response) {
		for (const [name, value] of Object.entries(limitHeaders)) if (!answer.headers.has(name)) answer.headers.set(name, value);
		return answer;
	}
	const present = new Set(Object.keys(answer.headers).map((name) => name.toLowerCase()));
	for (const [name, value] of Object.entries(limitHeaders)) if (!present.has(name.toLowerCase())) answer.headers[name] = value;
	return answer;
}

/** Header names as Astro's adapter writes them (a Response's are lower-case); the security headers and request id are set by serve.ts. */
async function write(
	res: http.ServerResponse,
	answer: PlainAnswer | Response,
	setCookies: string[],
	statements: number | undefined,
): Promise<void> {
	const out: http.OutgoingHttpHeaders = {};
	let body: string | Buffer;
	if (answer instanceof Response) {
		for (const [name, value] of answer.headers) if (name !== 'set-cookie') out[name] = value;
		setCookies.push(...answer.headers.getSetCookie());
		body = Buffer.from(await answer.arrayBuffer());
	} else {
		for (const [name, value] of Object.entries(answer.headers)) out[name.toLowerCase()] = value;
		body = answer.body;
	}
	// A length rather than chunked framing: the body is whole already.
	out['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
	if (setCookies.length > 0) out['set-cookie'] = setCookies;
	if (statements !== undefined) out['x-db-statements'] = String(statements);
	res.writeHead(answer.status, out);
	res.end(body);
}
