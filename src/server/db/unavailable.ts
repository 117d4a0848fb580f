/**
 * "The database is away" as the app answers it: while PostgreSQL restarts, a network drops or Neon
 * scales up, a request gets 503 with Retry-After (the API in its one JSON error shape, pages a plain
 * sentence) instead of a 500, and the pool reconnects by itself when the database is back.
 * Why: docs/decisions/0011-database-faults-and-durability.md.
 */
import { errorResponse } from '../api/errors.ts';

/** Seconds a client is asked to wait: a PostgreSQL restart or a Neon cold start takes a few. */
export const RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the connection could not be made or was cut. */
const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
]);

/**
 * SQLSTATEs that mean "not reachable now" rather than "this query is wrong": class 08 (connection
 * exception), 57P01–57P03 (shut down by an administrator, crash shutdown, starting up), 53300 (too
 * many connections).
 */
function unavailableSqlState(code: string): boolean {
	return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Messages node-postgres and Neon's driver use for a dropped or refused connection (they carry no code). */
const MESSAGES = [
	/connection terminated/i,
	/timeout exceeded when trying to connect/i,
	/connection (?:is )?(?:closed|ended)/i,
	/client has encountered a connection error/i,
	/cannot use a pool after calling end/i,
	/websocket/i,
];

/** True when `error` (or anything in its cause chain) says the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
	for (let e = error, depth = 0; e && depth < 5; depth++) {
		if (typeof e !== 'object') return false;
		const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
		if (typeof code === 'string' && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code)))) return true;
		if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
		// An AggregateError: Node's happy-eyeballs connect fails with one per address tried.
		if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

const MESSAGE = 'The database is unavailable for a moment. Please try again in a few seconds.';

/** The API's answer: the one JSON error shape, code `database_unavailable`. */
export function databaseUnavailableResponse(): Response {
	return errorResponse(503, 'database_unavailable', MESSAGE, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/** A page's answer: a plain sentence. */
export function databaseUnavailablePage(): Response {
	const html =
		'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>' +
		`<body><h1>Temporarily unavailable</h1><p>${MESSAGE}</p></body></html>`;
	return new Response(html, {
		status: 503,
		headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'retry-after': String(RETRY_AFTER_SECONDS) },
	});
}

/** Paths whose callers are programs: they get JSON, everything else a page. */
export function wantsJson(pathname: string): boolean {
	return /^\/+(api|mcp|oauth|\.well-known)(\/|$)/i.test(pathname);
}
