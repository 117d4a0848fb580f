/**
 * The production server answers the API from node:http (src/server/http/api-dispatch.ts) and leaves what
 * it does not match to Astro's routes. With `trailingSlash: 'ignore'`, `/api/v1/me/streak/` is the same
 * operation reached through Astro's routing and middleware: both ways must answer alike — status, body and
 * headers (transport framing, the request id and the rate limit's running count aside).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, HttpResult } from '../../helpers/server.ts';
import { type ApiServer, DEMO_PASSWORD, FREE_CHAPTER, PREMIUM_CHAPTER, startApiServer } from './fixtures.ts';

/** Headers that differ by nature between two responses. */
const VARYING = new Set([
	'date',
	'content-length',
	'transfer-encoding',
	'x-request-id',
	'ratelimit-remaining',
	'ratelimit',
	'keep-alive',
	'connection',
]);

function comparable(res: HttpResult) {
	const headers = Object.fromEntries([...res.headers].filter(([name]) => !VARYING.has(name)));
	return { status: res.status, headers, body: res.text };
}

describe('the API dispatcher and Astro’s route answer alike (pglite)', () => {
	let api: ApiServer;
	let learner: Client;

	beforeAll(async () => {
		api = await startApiServer('pglite', { DB_STATEMENT_COUNTS: 'true' });
		learner = api.client(false);
		await learner.login('premium@demo.test', DEMO_PASSWORD);
		// Today's check-in and the chapter first, so that both later calls answer "already recorded".
		await learner.post('/api/v1/me/streak/checkins');
		await learner.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER });
	}, 120_000);

	afterAll(async () => {
		await api?.stop();
	});

	const cases: [string, (client: Client, path: (p: string) => string) => Promise<HttpResult>][] = [
		['getStreak', (c, p) => c.get(p('/api/v1/me/streak'))],
		['getProgress', (c, p) => c.get(p('/api/v1/me/progress'))],
		['recordCheckin, already recorded', (c, p) => c.post(p('/api/v1/me/streak/checkins'))],
		['updateProgress, invalid body (400)', (c, p) => c.post(p('/api/v1/me/progress'), { chapterId: 'Not A Slug' })],
		['updateProgress, not JSON (415)', (c, p) => c.request('POST', p('/api/v1/me/progress'), undefined, { 'content-type': 'text/plain' })],
		['getQuiz, unknown (404)', (c, p) => c.get(p('/api/v1/quizzes/no-such-quiz'))],
		['getQuiz, premium', (c, p) => c.get(p(`/api/v1/quizzes/${PREMIUM_CHAPTER}`))],
		['updateProgress', (c, p) => c.post(p('/api/v1/me/progress'), { chapterId: FREE_CHAPTER })],
		['cross-site POST (403)', (c, p) => c.request('POST', p('/api/v1/me/streak/checkins'), undefined, { origin: 'https://evil.example' })],
	];
	for (const [name, call] of cases) {
		it(name, async () => {
			const direct = await call(learner, (p) => p);
			const viaAstro = await call(learner, (p) => `${p}/`);
			expect(comparable(direct)).toEqual(comparable(viaAstro));
			// Two ways in, really: the dispatcher sends a length, Astro streams its Response.
			expect(direct.headers.get('content-length')).not.toBeNull();
			expect(viaAstro.headers.get('transfer-encoding')).toBe('chunked');
		});
	}

	it('anonymous and with an unknown bearer token: the same 401 and challenge', async () => {
		const anonymous = api.client(false);
		const tries: Record<string, string>[] = [{}, { authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }];
		for (const headers of tries) {
			const direct = await anonymous.request('GET', '/api/v1/me/streak', undefined, headers);
			const viaAstro = await anonymous.request('GET', '/api/v1/me/streak/', undefined, headers);
			expect(direct.status).toBe(401);
			expect(comparable(direct)).toEqual(comparable(viaAstro));
		}
	});
});
