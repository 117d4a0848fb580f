/**
 * Malformed requests get a clear 4xx in the one JSON error shape, never a 500; CSRF refuses
 * cookie-authenticated requests from another site and lets bearer-token clients through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import type { Client } from '../../helpers/server.ts';
import { type ApiServer, isErrorShape, PASSWORD, registerLearner, startApiServer } from './fixtures.ts';

const MAX_BODY = 64 * 1024;

describe.each(DATABASE_KINDS)('%s: API errors and CSRF', (kind) => {
	let api: ApiServer;
	let learner: Client;
	beforeAll(async () => {
		api = await startApiServer(kind);
		learner = (await registerLearner(api, 'errors', { checked: false })).client;
	});
	afterAll(async () => {
		await api?.stop();
	});

	/** Every response in this suite: a 4xx (never a 500) in the error shape, marked no-store. */
	function expectError(res: { status: number; json: unknown; text: string; headers: Headers }, status: number, code: string) {
		expect(res.status, res.text).toBe(status);
		expect(isErrorShape(res.json), res.text).toBe(true);
		expect((res.json as { error: { code: string } }).error.code).toBe(code);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.headers.get('cache-control')).toBe('no-store');
	}

	describe('bodies', () => {
		it('malformed JSON → 400 invalid_json', async () => {
			for (const text of ['{"chapterId": ', '{chapterId: "tool-use"}', "{'a': 1}", '[1,2', 'nul']) {
				const res = await learner.request('POST', '/api/v1/me/progress', text);
				expectError(res, 400, 'invalid_json');
			}
		});

		it('a body that is valid JSON but the wrong shape → 400 validation_failed naming the field', async () => {
			for (const body of [[], 'a string', 42, null, { chapterId: 7 }]) {
				const res = await learner.request('POST', '/api/v1/me/progress', JSON.stringify(body));
				expectError(res, 400, 'validation_failed');
				expect(Array.isArray((res.json as { error: { details: unknown } }).error.details)).toBe(true);
			}
			const missing = await learner.request('POST', '/api/v1/me/progress');
			expectError(missing, 400, 'validation_failed');
		});

		it('a body that is not JSON → 415', async () => {
			for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
				const res = await learner.request('POST', '/api/v1/me/progress', 'chapterId=tool-use', { 'content-type': type });
				expectError(res, 415, 'unsupported_media_type');
			}
			const vendorJson = await learner.request('POST', '/api/v1/me/progress', JSON.stringify({ chapterId: 'tool-use' }), {
				'content-type': 'application/vnd.api+json',
			});
			expect(vendorJson.status).toBe(200);
		});

		it('a body over 64 KB → 413, with or without Content-Length', async () => {
			const big = JSON.stringify({ chapterId: 'tool-use', padding: 'x'.repeat(MAX_BODY) });
			const declared = await learner.request('POST', '/api/v1/me/progress', big);
			expectError(declared, 413, 'payload_too_large');

			const bytes = new TextEncoder().encode(big);
			const streamed = await fetch(`${api.url}/api/v1/me/progress`, {
				method: 'POST',
				headers: { origin: api.url, cookie: learner.cookie, 'content-type': 'application/json' },
				body: new ReadableStream({
					start(controller) {
						for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
						controller.close();
					},
				}),
				duplex: 'half',
			} as RequestInit);
			const text = await streamed.text();
			expectError({ status: streamed.status, json: JSON.parse(text), text, headers: streamed.headers }, 413, 'payload_too_large');

			const justUnder = JSON.stringify({ chapterId: 'tool-use', padding: 'x'.repeat(MAX_BODY - 100) });
			expect((await learner.request('POST', '/api/v1/me/progress', justUnder)).status).toBe(200);
		});
	});

	describe('routes', () => {
		it.each([
			['GET', '/api/v1/nope'],
			['GET', '/api/v1/chapters/tool-use/nope'],
			['POST', '/api/v1/nope'],
			['DELETE', '/api/v1/me/nothing/here'],
			['GET', '/api/v2/chapters'],
		])('unknown API path %s %s → 404 in the JSON error shape', async (method, path) => {
			const res = await learner.request(method, path, method === 'POST' ? {} : undefined);
			expectError(res, 404, 'not_found');
		});

		it.each([
			['PUT', '/api/v1/me', 'GET, PATCH'],
			['DELETE', '/api/v1/me/progress', 'GET, POST'],
			['GET', '/api/v1/auth/login', 'POST'],
			['PATCH', '/api/v1/me/quizzes/tool-use/attempts', 'GET, POST'],
			['POST', '/api/v1/access', 'GET'],
			['GET', '/api/v1/me/sessions/abc', 'DELETE'],
			['PUT', '/api/health', 'GET'],
		])('wrong method %s %s → 405 with Allow: %s', async (method, path, allow) => {
			const res = await learner.request(method, path, method === 'GET' ? undefined : {});
			expectError(res, 405, 'method_not_allowed');
			expect(res.headers.get('allow')).toBe(allow);
		});

		it('bad path and query parameters → 400 naming the parameter', async () => {
			const path = await learner.get('/api/v1/chapters/Not_A_Slug/content');
			expectError(path, 400, 'validation_failed');
			expect((path.json as any).error.details[0]).toMatchObject({ in: 'path', field: 'id' });
			const query = await learner.get('/api/v1/chapters/tool-use/content?page=zero');
			expectError(query, 400, 'validation_failed');
			expect((query.json as any).error.details[0]).toMatchObject({ in: 'query', field: 'page' });
			const resource = await learner.get('/api/v1/access?resource=lesson:tool-use');
			expectError(resource, 400, 'validation_failed');
			const noResource = await learner.get('/api/v1/access');
			expectError(noResource, 400, 'validation_failed');
		});

		it('unknown ids → 404, not 500', async () => {
			expectError(await learner.get('/api/v1/chapters/no-such-chapter/content'), 404, 'not_found');
			expectError(await learner.get('/api/v1/quizzes/no-such-quiz'), 404, 'not_found');
			expectError(await learner.post('/api/v1/me/quizzes/no-such-quiz/attempts', { answers: {} }), 404, 'not_found');
			expectError(await learner.get('/api/v1/access?resource=quiz:no-such-quiz'), 404, 'not_found');
		});
	});

	describe('hostile input is a 400, never a 500', () => {
		it('refuses ids that pass the access regex but are not valid ids (e.g. "-x", "a--b")', async () => {
			for (const resource of ['chapter:-tool-use', 'chapter:tool--use', 'quiz:tool-use-', `quiz:${'a'.repeat(101)}`]) {
				const res = await learner.get(`/api/v1/access?resource=${resource}`);
				expectError(res, 400, 'validation_failed');
			}
		});

		it('refuses the NUL character (Postgres text cannot store it) in every free-text field with 400', async () => {
			const admin = api.client(false);
			await admin.login('admin@demo.test');
			const adminId = (await admin.get('/api/v1/me')).json.id as string;
			const nul = 'a\u0000b';
			const cases: [string, Client, string, string, unknown][] = [
				[
					'register displayName',
					api.client(false),
					'POST',
					'/api/v1/auth/register',
					{ email: `nul-${Date.now()}@example.test`, password: PASSWORD, displayName: nul },
				],
				['updateMe displayName', learner, 'PATCH', '/api/v1/me', { displayName: nul }],
				['searchUsers q', admin, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(nul)}`, undefined],
				['getUser userId', admin, 'GET', `/api/v1/admin/users/${encodeURIComponent(nul)}`, undefined],
				['upgradeTier userId', admin, 'POST', `/api/v1/admin/users/${encodeURIComponent(nul)}/tier`, { tier: 'pro' }],
				['upgradeTier reason', admin, 'POST', `/api/v1/admin/users/${adminId}/tier`, { tier: 'pro', reason: nul }],
				['login email', api.client(false), 'POST', '/api/v1/auth/login', { email: nul, password: nul }],
				['progress chapterId', learner, 'POST', '/api/v1/me/progress', { chapterId: nul }],
				['quiz answers', learner, 'POST', '/api/v1/me/quizzes/tool-use/attempts', { answers: { [nul]: [nul] } }],
				['chapter section', learner, 'GET', `/api/v1/chapters/tool-use/content?section=${encodeURIComponent(nul)}`, undefined],
			];
			const statuses: Record<string, number> = {};
			for (const [label, client, method, path, body] of cases) {
				const res = await client.request(method, path, body);
				statuses[label] = res.status;
				expect(isErrorShape(res.json), `${label}: ${res.text}`).toBe(true);
			}
			expect(Object.entries(statuses).filter(([, status]) => status >= 500)).toEqual([]);
			expect(statuses).toMatchObject({ 'register displayName': 400, 'updateMe displayName': 400, 'upgradeTier reason': 400 });
			expect((await admin.get('/api/v1/me')).json.tier).toBe('team');
		});
	});

	describe('CSRF', () => {
		it('refuses a cookie-authenticated POST with a foreign Origin: 403 csrf_refused, and nothing is recorded', async () => {
			const victim = await registerLearner(api, 'csrf', { checked: false });
			const res = await victim.client.request('POST', '/api/v1/me/progress', { chapterId: 'tool-use' }, { origin: 'https://evil.example' });
			expectError(res, 403, 'csrf_refused');
			const progress = await victim.client.get('/api/v1/me/progress');
			expect(progress.json.completedChapters).toEqual([]);
		});

		it('refuses Sec-Fetch-Site: cross-site (and same-site) even without an Origin', async () => {
			for (const site of ['cross-site', 'same-site']) {
				const res = await learner.request('POST', '/api/v1/me/streak/checkins', undefined, { origin: '', 'sec-fetch-site': site });
				expectError(res, 403, 'csrf_refused');
			}
			const same = await learner.request('POST', '/api/v1/me/streak/checkins', undefined, { 'sec-fetch-site': 'same-origin' });
			expect(same.status).toBe(200);
		});

		it('refuses a cross-site PATCH and DELETE too', async () => {
			const patch = await learner.request('PATCH', '/api/v1/me', { displayName: 'Evil' }, { origin: 'https://evil.example' });
			expectError(patch, 403, 'csrf_refused');
			const del = await learner.request('DELETE', '/api/v1/me/sessions/whatever', undefined, { origin: 'https://evil.example' });
			expectError(del, 403, 'csrf_refused');
			expect((await learner.get('/api/v1/me')).json.displayName).toBe('errors');
		});

		it('lets a foreign Origin read (GET is safe)', async () => {
			const res = await learner.request('GET', '/api/v1/me', undefined, { origin: 'https://evil.example' });
			expect(res.status).toBe(200);
		});

		it('accepts a bearer-token POST without Origin (API clients such as ChatGPT send none)', async () => {
			const login = await api
				.client(false)
				.post('/api/v1/auth/login', { email: 'free@demo.test', password: 'learn-with-chatgpt', session: 'bearer' });
			const res = await fetch(`${api.url}/api/v1/me/streak/checkins`, {
				method: 'POST',
				headers: { authorization: `Bearer ${login.json.token}` },
			});
			expect(res.status).toBe(200);
			expect((await res.json()).current).toBe(1);
		});

		it('a sign-in from a foreign site is refused too (login CSRF)', async () => {
			const res = await api
				.client(false)
				.request('POST', '/api/v1/auth/login', { email: 'free@demo.test', password: PASSWORD }, { origin: 'https://evil.example' });
			expectError(res, 403, 'csrf_refused');
		});
	});
});

describe.runIf(DATABASE_KINDS.includes('postgres'))('postgres: readiness when the database goes away', () => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer('postgres');
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('ready answers 200, then 503 in the error shape once the database is dropped; other routes fail cleanly', async () => {
		const client = api.client();
		const ready = await client.get('/api/ready');
		expect(ready.status).toBe(200);
		expect(ready.json).toMatchObject({ status: 'ready', database: 'postgres', pendingMigrations: 0 });
		await api.database.drop();
		const down = await client.get('/api/ready');
		expect(down.status).toBe(503);
		expect(isErrorShape(down.json), down.text).toBe(true);
		expect(down.json.error.code).toBe('not_ready');
		expect(JSON.stringify(down.json)).not.toMatch(/cc_test_|127\.0\.0\.1|password/);
	});
});
