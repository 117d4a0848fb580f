/**
 * Attacks from the operations review, through the real server: open redirects after sign-in, the session
 * cookie's Secure flag, bodies far over any limit, rate limits that a different spelling of the path
 * escaped, completing chapters one may not read, and replayed or out-of-order billing events.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBillingPayload } from '../../../src/server/billing.ts';
import { safeNext } from '../../../src/server/pages.ts';
import { Client } from '../../helpers/server.ts';
import { type ApiServer, DEMO_PASSWORD, FREE_CHAPTER, PREMIUM_CHAPTER, registerLearner, startApiServer } from './fixtures.ts';

const WEBHOOK_SECRET = 'a-webhook-secret-for-the-abuse-tests';

/** Known open-redirect payloads (plain, encoded, control characters, backslashes, look-alike dots). */
const REDIRECT_PAYLOADS = [
	'//evil.example',
	'///evil.example',
	'/\\evil.example',
	'\\\\evil.example',
	'/\t/evil.example',
	'/%09/evil.example',
	'/%2F%2Fevil.example',
	'/%5Cevil.example',
	'/%0a/evil.example',
	'/\n/evil.example',
	'/%E3%80%82evil.example',
	'/\u3002/evil.example',
	'https://evil.example',
	'http:evil.example',
	'javascript:alert(1)',
	'/%252F%252Fevil.example',
	' //evil.example',
	'/%00//evil.example',
];

describe('safeNext', () => {
	it.each(REDIRECT_PAYLOADS)('keeps %j on this site', (payload) => {
		const next = safeNext(payload);
		expect(next.startsWith('/')).toBe(true);
		expect(next.startsWith('//')).toBe(false);
		expect(new URL(next, 'https://course.example').origin).toBe('https://course.example');
		expect(next).toMatch(/^[\x21-\x7e]+$/);
	});
	it('keeps ordinary paths with their query and fragment', () => {
		expect(safeNext('/chapters/x/?a=1#b')).toBe('/chapters/x/?a=1#b');
		expect(safeNext('/quizzes/x/')).toBe('/quizzes/x/');
	});
});

/** A raw request (fetch refuses some of these targets and bodies). */
function raw(
	base: string,
	options: http.RequestOptions & { body?: string | Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
	const url = new URL(base);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: url.hostname, port: url.port, ...options }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c) => {
				text += c;
			});
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
		});
		req.on('error', reject);
		if (options.body !== undefined) req.write(options.body);
		req.end();
	});
}

function rssOf(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

describe('the server under attack', () => {
	let api: ApiServer;
	beforeAll(async () => {
		// A young generation of 1 MB semi-spaces: the RSS the body test reads is what the server keeps, not V8 growing
		// its semi-spaces towards 2 × 32 MB on the first busy requests (the server no longer does that at start up).
		api = await startApiServer('pglite', { BILLING_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_PER_MINUTE: '100000' }, [
			'--max-semi-space-size=1',
		]);
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('redirects only to paths on this site after sign-in, and never answers 5xx to a hostile next', async () => {
		const learner = new Client(api.url);
		await learner.login('free@demo.test', DEMO_PASSWORD);
		for (const payload of REDIRECT_PAYLOADS) {
			const res = await raw(api.url, {
				method: 'GET',
				path: `/login?next=${encodeURIComponent(payload)}`,
				headers: { cookie: learner.cookie },
			});
			expect(res.status, payload).toBe(303);
			const location = res.headers.location as string;
			expect(new URL(location, api.url).origin, `${payload} → ${location}`).toBe(api.url);
			expect(location.startsWith('//'), location).toBe(false);
		}
		const form = await raw(api.url, {
			method: 'POST',
			path: '/login',
			headers: { origin: api.url, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ email: 'free@demo.test', password: DEMO_PASSWORD, next: '/%09/evil.example' }).toString(),
		});
		expect(form.status).toBe(303);
		expect(new URL(form.headers.location as string, api.url).origin).toBe(api.url);
	});

	it('answers a body far over the limit at once, and reading it costs no memory', async () => {
		const pid = api.server.child.pid as number;
		const declared = await raw(api.url, {
			method: 'POST',
			path: '/oauth/token',
			headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(200 * 1024 * 1024) },
			body: 'grant_type=x',
		});
		expect(declared.status).toBe(413);
		const before = rssOf(pid);
		const chunk = Buffer.alloc(1024 * 1024, 'a');
		for (const path of ['/oauth/token', '/api/v1/auth/login', '/oauth/register', '/login']) {
			const started = Date.now();
			const status = await new Promise<number>((resolve, reject) => {
				const url = new URL(api.url);
				const req = http.request(
					{
						host: url.hostname,
						port: url.port,
						method: 'POST',
						path,
						headers: { origin: api.url, 'content-type': path === '/login' ? 'application/x-www-form-urlencoded' : 'application/json' },
					},
					(res) => {
						res.resume();
						resolve(res.statusCode ?? 0);
						req.destroy();
					},
				);
				req.on('error', (e) =>
					(e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(e),
				);
				// 50 MB, chunked (no Content-Length): only a bounded reader stops this early.
				let sent = 0;
				const pump = () => {
					while (sent < 50 && req.write(chunk)) sent++;
					if (sent < 50 && !req.destroyed) req.once('drain', pump);
					else if (!req.destroyed) req.end();
				};
				pump();
			});
			expect(Date.now() - started, path).toBeLessThan(5_000);
			expect(status, path).toBeGreaterThanOrEqual(400);
			expect(status, path).toBeLessThan(500);
		}
		expect(rssOf(pid) - before).toBeLessThan(20 * 1024 * 1024);
	});

	it('lets a learner complete only the chapters they may read', async () => {
		const learner = await registerLearner(api, 'abuse-free', { checked: false });
		const premium = await learner.client.post('/api/v1/me/progress', { chapterId: PREMIUM_CHAPTER });
		expect(premium.status).toBe(403);
		const page = await learner.client.request('POST', `/learn/chapters/${PREMIUM_CHAPTER}`, 'action=complete', {
			'content-type': 'application/x-www-form-urlencoded',
		});
		expect(page.status).toBe(303);
		const progress = (await learner.client.get('/api/v1/me/progress')).json as { chapters: { chapterId: string; state: string }[] };
		expect(progress.chapters.find((c) => c.chapterId === PREMIUM_CHAPTER)?.state).toBe('not_started');
		expect((await learner.client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER })).status).toBe(200);
	});

	it('applies a billing event once, in event-time order: a replay or an older event never restores a canceled plan', async () => {
		const learner = await registerLearner(api, 'abuse-billing');
		const now = Math.floor(Date.now() / 1000);
		const send = (event: Record<string, unknown>) => {
			const body = JSON.stringify(event);
			return api
				.client(false)
				.request('POST', '/api/v1/billing/webhook', body, { 'billing-signature': signBillingPayload(WEBHOOK_SECRET, now, body) });
		};
		const activated = {
			id: `evt_a_${learner.id}`,
			type: 'subscription.activated',
			userId: learner.id,
			tier: 'premium',
			created: now - 100,
		};
		const canceled = { id: `evt_c_${learner.id}`, type: 'subscription.canceled', userId: learner.id, tier: 'premium', created: now - 50 };
		expect((await send(activated)).json).toMatchObject({ to: 'premium', outcome: 'applied' });
		expect((await send(canceled)).json).toMatchObject({ from: 'premium', to: 'free', outcome: 'applied' });
		expect((await send(activated)).json).toMatchObject({ from: 'free', to: 'free', outcome: 'duplicate' });
		const late = { ...activated, id: `evt_late_${learner.id}`, created: now - 75 };
		expect((await send(late)).json).toMatchObject({ from: 'free', to: 'free', outcome: 'stale' });
		expect((await learner.client.get('/api/v1/me')).json.tier).toBe('free');
		const renewed = { ...activated, id: `evt_new_${learner.id}`, created: now - 10 };
		expect((await send(renewed)).json).toMatchObject({ from: 'free', to: 'premium', outcome: 'applied' });
	});

	it('answers bad input with 4xx, never 5xx: malformed multipart, TRACE, NUL in a client id, a newline in next', async () => {
		const cases = [
			raw(api.url, {
				method: 'POST',
				path: '/login',
				headers: { origin: api.url, 'content-type': 'multipart/form-data; boundary=x' },
				body: '--x\r\nbroken',
			}),
			raw(api.url, {
				method: 'POST',
				path: '/register',
				headers: { origin: api.url, 'content-type': 'multipart/form-data' },
				body: 'no boundary',
			}),
			raw(api.url, { method: 'TRACE', path: '/' }),
			raw(api.url, { method: 'TRACE', path: '/api/v1/me' }),
			raw(api.url, { method: 'GET', path: '/oauth/authorize?response_type=code&client_id=%00&redirect_uri=x' }),
			raw(api.url, { method: 'GET', path: '/login?next=%0d%0aSet-Cookie:%20x=1' }),
		];
		for (const [i, res] of (await Promise.all(cases)).entries()) {
			expect(res.status).toBeGreaterThanOrEqual(200);
			expect(res.status, `case ${i}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
			expect(res.headers['set-cookie']?.some((c) => c.startsWith('x='))).not.toBe(true);
		}
	});
});

describe('rate limits', () => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer('pglite', { RATE_LIMIT_PER_MINUTE: '4', ANONYMOUS_RATE_LIMIT_PER_MINUTE: '4' });
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('counts every spelling of a dynamic path against one limit', async () => {
		const statuses: number[] = [];
		for (const path of ['/mcp/', '/MCP', '//api/v1/me', '/dashboard', '/learn/chapters/x']) {
			statuses.push((await raw(api.url, { method: 'GET', path, headers: { 'x-forwarded-for': '1.1.1.1' } })).status);
		}
		expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
		expect(statuses[4]).toBe(429);
		expect((await raw(api.url, { method: 'GET', path: '/api/health' })).status).toBe(200);
	});
});

describe('cookies on an https origin', () => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer('pglite', { PUBLIC_ORIGIN: 'https://course.example' });
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('marks the session cookie Secure from PUBLIC_ORIGIN, whatever Host the request names', async () => {
		const res = await raw(api.url, {
			method: 'POST',
			path: '/api/v1/auth/login',
			headers: { host: 'localhost', origin: 'https://course.example', 'content-type': 'application/json', 'x-forwarded-for': '2.2.2.2' },
			body: JSON.stringify({ email: 'free@demo.test', password: DEMO_PASSWORD }),
		});
		expect(res.status).toBe(200);
		const cookie = res.headers['set-cookie']?.find((c) => c.startsWith('cc_session=')) ?? '';
		expect(cookie).toMatch(/;\s*Secure/i);
	});
});
