/**
 * Reading request bodies: the one way, bounded while streaming. Stops at the limit and cancels the
 * stream, so a 200 MB upload costs at most `limit` bytes of memory whoever sends it. Each caller maps
 * BodyTooLargeError to its protocol's own answer (413 in the JSON shape, `invalid_request` on OAuth,
 * a plain sentence on pages).
 */

/** API bodies (quiz answers are the largest: 200 questions × 50 options). */
export const MAX_BODY_BYTES = 64 * 1024;
/** OAuth requests and client metadata documents. */
export const MAX_OAUTH_BODY_BYTES = 16 * 1024;
/** Form posts from the site's own pages. */
export const MAX_FORM_BYTES = 16 * 1024;

export class BodyTooLargeError extends Error {
	readonly limit: number;
	constructor(limit: number) {
		super(`The request body is larger than ${limit} bytes.`);
		this.limit = limit;
	}
}

export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? 0);
	if (declared > limit) {
		await request.body?.cancel().catch(() => {});
		throw new BodyTooLargeError(limit);
	}
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				await reader.cancel().catch(() => {});
				throw new BodyTooLargeError(limit);
			}
			chunks.push(value);
		}
	} catch (error) {
		// The adapter's own ceiling (astro.config.mjs bodySizeLimit) ends the stream with an error: same answer.
		if (error instanceof BodyTooLargeError || /size limit/i.test(String((error as Error).message))) throw new BodyTooLargeError(limit);
		throw error;
	}
	return Buffer.concat(chunks);
}

export async function readBodyText(request: Request, limit: number): Promise<string> {
	return new TextDecoder().decode(await readBodyBytes(request, limit));
}

/** readBodyText for a node:http request (the API dispatcher): the same limit, counted while reading. */
export async function readNodeBodyText(
	request: AsyncIterable<Buffer> & { headers: Record<string, unknown> },
	limit: number,
): Promise<string> {
	if (Number(request.headers['content-length'] ?? 0) > limit) throw new BodyTooLargeError(limit);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += chunk.byteLength;
		if (size > limit) throw new BodyTooLargeError(limit);
		chunks.push(chunk);
	}
	return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}
