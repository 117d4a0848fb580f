/** The one JSON error shape every API error uses: { error: { code, message, details } }. */
import { z } from 'astro/zod';
import { jsonAnswer, type PlainAnswer, toResponse } from '../http/answer.ts';

export const errorBodySchema = z
	.object({
		error: z.object({
			code: z.string().describe('Stable, machine-readable error code, e.g. "validation_failed".'),
			message: z.string().describe('A sentence for humans saying what went wrong and what to do.'),
			details: z.unknown().optional().describe('Extra structured data, e.g. the fields that failed validation.'),
		}),
	})
	.meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Thrown anywhere below an endpoint; the route wrapper turns it into a JSON response. */
export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly details: unknown;
	readonly headers: Record<string, string>;
	constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.details = details;
		this.headers = headers;
	}
}

export function errorAnswer(
	status: number,
	code: string,
	message: string,
	details?: unknown,
	headers: Record<string, string> = {},
): PlainAnswer {
	const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
	return jsonAnswer(body, status, headers);
}

export function errorResponse(
	status: number,
	code: string,
	message: string,
	details?: unknown,
	headers: Record<string, string> = {},
): Response {
	return toResponse(errorAnswer(status, code, message, details, headers));
}

export function apiErrorAnswer(error: ApiError): PlainAnswer {
	return errorAnswer(error.status, error.code, error.message, error.details, error.headers);
}

export function apiErrorResponse(error: ApiError): Response {
	return toResponse(apiErrorAnswer(error));
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);
export const unauthorized = () =>
	new ApiError(401, 'unauthorized', 'Sign in first: this operation needs a session cookie or a bearer token.');
export const forbidden = (message = 'You do not have permission to do this.') => new ApiError(403, 'forbidden', message);
