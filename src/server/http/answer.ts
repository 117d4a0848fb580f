/**
 * An HTTP answer as plain data: what the API's routes build, turned into a `Response` for Astro or
 * written straight to node:http by the production server's API dispatcher (no Response, no streams).
 */
export interface PlainAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/** The API's JSON answer: never cached. */
export function jsonAnswer(value: unknown, status = 200, headers: Record<string, string> = {}): PlainAnswer {
	return {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
		body: JSON.stringify(value),
	};
}

export function toResponse(answer: PlainAnswer): Response {
	return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
