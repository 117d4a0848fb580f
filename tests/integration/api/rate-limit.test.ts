/**
 * Request limits on a server started with tiny budgets (5 requests a minute, 3 failed sign-ins per account
 * and address, 4 per address): per learner when signed in, per IP otherwise; failed sign-ins only.
 * Requests come from different loopback addresses (127.0.0.x) to act as different clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FACTOR } from '../../../src/server/rate-limit.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { type ApiServer, DEMO_PASSWORD, isErrorShape, PASSWORD, requestFrom, startApiServer, uniqueEmail } from './fixtures.ts';

const PER_MINUTE = 5;
const AUTH_PER_15_MINUTES = 3;
const ADDRESS_PER_15_MINUTES = 4;

/** Registers from a source address and returns the session cookie. */
async function register(api: ApiServer, ip: string, tag: string): Promise<{ cookie: string; email: string }> {
	const email = uniqueEmail(tag);
	const res = await requestFrom(ip, api.url, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, displayName: tag } });
	expect(res.status, JSON.stringify(res.json)).toBe(201);
	const cookie = res.setCookie.find((c) => c.startsWith('cc_session='))?.split(';')[0];
	expect(cookie).toBeDefined();
	return { cookie: cookie as string, email };
}

type Res = Awaited<ReturnType<typeof requestFrom>>;

/** A 429 in the error shape with a Retry-After within the limiter's window. */
function expectRefused(res: Res, windowSeconds: number) {
	expect(res.status).toBe(429);
	expect(isErrorShape(res.json)).toBe(true);
	expect(res.json.error.code).toBe('rate_limited');
	const retryAfter = Number(res.headers['retry-after']);
	expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= windowSeconds).toBe(true);
	expect(res.json.error.details).toEqual({ retryAfterSeconds: retryAfter });
}

/** ... and RateLimit headers that describe the limit that refused it. */
function expectRateLimited(res: Res, limit: number, windowSeconds = 60) {
	expectRefused(res, windowSeconds);
	expect(res.headers['ratelimit-limit']).toBe(String(limit));
	expect(res.headers['ratelimit-remaining']).toBe('0');
	expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
	expect(res.headers.ratelimit).toMatch(new RegExp(`^limit=${limit}, remaining=0, reset=\\d+$`));
}

describe.each(DATABASE_KINDS)('%s: rate limits', (kind) => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer(kind, {
			RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
			ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
			AUTH_RATE_LIMIT_PER_15_MINUTES: String(AUTH_PER_15_MINUTES),
			AUTH_ADDRESS_LIMIT_PER_15_MINUTES: String(ADDRESS_PER_15_MINUTES),
		});
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('a signed-in learner gets 5 requests a minute, then 429 with Retry-After, RateLimit headers and the error shape', async () => {
		const { cookie } = await register(api, '127.0.0.2', 'limited');
		const remaining: string[] = [];
		for (let i = 0; i < PER_MINUTE; i++) {
			const res = await requestFrom('127.0.0.2', api.url, 'GET', '/api/v1/me', { headers: { cookie } });
			expect(res.status).toBe(200);
			expect(res.headers['ratelimit-limit']).toBe(String(PER_MINUTE));
			remaining.push(res.headers['ratelimit-remaining'] as string);
		}
		expect(remaining).toEqual(['4', '3', '2', '1', '0']);
		const sixth = await requestFrom('127.0.0.2', api.url, 'GET', '/api/v1/me', { headers: { cookie } });
		expectRateLimited(sixth, PER_MINUTE);
		// Writes are limited by the same budget, before any work is done.
		const write = await requestFrom('127.0.0.2', api.url, 'POST', '/api/v1/me/streak/checkins', { headers: { cookie } });
		expectRateLimited(write, PER_MINUTE);
	});

	it('keys the limit per learner: another learner on the same address still passes', async () => {
		const exhausted = await register(api, '127.0.0.3', 'exhausted');
		const other = await register(api, '127.0.0.4', 'other');
		for (let i = 0; i < PER_MINUTE; i++) {
			expect((await requestFrom('127.0.0.3', api.url, 'GET', '/api/v1/me/tier', { headers: { cookie: exhausted.cookie } })).status).toBe(
				200,
			);
		}
		expect((await requestFrom('127.0.0.3', api.url, 'GET', '/api/v1/me/tier', { headers: { cookie: exhausted.cookie } })).status).toBe(429);
		const res = await requestFrom('127.0.0.3', api.url, 'GET', '/api/v1/me/tier', { headers: { cookie: other.cookie } });
		expect(res.status).toBe(200);
		expect(res.headers['ratelimit-remaining']).toBe(String(PER_MINUTE - 1));
	});

	it('keys anonymous requests per address: a second address still passes', async () => {
		const path = '/api/v1/access?resource=chapter:tool-use';
		for (let i = 0; i < PER_MINUTE; i++) expect((await requestFrom('127.0.0.5', api.url, 'GET', path)).status).toBe(200);
		expectRateLimited(await requestFrom('127.0.0.5', api.url, 'GET', path), PER_MINUTE);
		expect((await requestFrom('127.0.0.6', api.url, 'GET', path)).status).toBe(200);
	});

	it('static course files and health checks are not counted', async () => {
		for (let i = 0; i < PER_MINUTE + 3; i++) {
			expect((await requestFrom('127.0.0.7', api.url, 'GET', '/api/v1/chapters.json')).status).toBe(200);
			expect((await requestFrom('127.0.0.7', api.url, 'GET', '/api/health')).status).toBe(200);
		}
		expect((await requestFrom('127.0.0.7', api.url, 'GET', '/api/v1/access?resource=chapter:tool-use')).status).toBe(200);
	});

	it('slows a guesser per account and address, without locking the owner out from elsewhere', async () => {
		const email = 'free@demo.test';
		for (let i = 0; i < AUTH_PER_15_MINUTES; i++) {
			const res = await requestFrom('127.0.0.11', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password-1' } });
			expect(res.status).toBe(401);
		}
		const blocked = await requestFrom('127.0.0.11', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORD } });
		expectRefused(blocked, 15 * 60);
		expect(blocked.json.error.message).toContain('for this account from this address');
		expect(blocked.setCookie).toEqual([]);
		// The email is normalised: another spelling of it is the same account.
		const upper = await requestFrom('127.0.0.11', api.url, 'POST', '/api/v1/auth/login', {
			body: { email: email.toUpperCase(), password: DEMO_PASSWORD },
		});
		expect(upper.status).toBe(429);
		// The owner, from their own address, still signs in.
		const owner = await requestFrom('127.0.0.12', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORD } });
		expect(owner.status).toBe(200);
	});

	it('stops a distributed guesser at ACCOUNT_FACTOR times the per-address budget', async () => {
		const email = 'premium@demo.test';
		for (let i = 0; i < AUTH_PER_15_MINUTES * ACCOUNT_FACTOR; i++) {
			const res = await requestFrom(`127.0.1.${i + 1}`, api.url, 'POST', '/api/v1/auth/login', {
				body: { email, password: 'wrong-password-1' },
			});
			expect(res.status).toBe(401);
		}
		const blocked = await requestFrom('127.0.2.1', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORD } });
		expectRefused(blocked, 15 * 60);
		expect(blocked.json.error.message).toContain('failed sign-ins for this account.');
	});

	it('stops a password sprayer per address, and counts registrations per address', async () => {
		for (let i = 0; i < ADDRESS_PER_15_MINUTES; i++) {
			const res = await requestFrom('127.0.0.21', api.url, 'POST', '/api/v1/auth/login', {
				body: { email: uniqueEmail('spray'), password: 'wrong-password-1' },
			});
			expect(res.status).toBe(401);
		}
		const blocked = await requestFrom('127.0.0.21', api.url, 'POST', '/api/v1/auth/login', {
			body: { email: 'admin@demo.test', password: DEMO_PASSWORD },
		});
		expectRefused(blocked, 15 * 60);
		expect(blocked.json.error.message).toContain('from this address');
		const elsewhere = await requestFrom('127.0.0.22', api.url, 'POST', '/api/v1/auth/login', {
			body: { email: 'admin@demo.test', password: DEMO_PASSWORD },
		});
		expect(elsewhere.status).toBe(200);
		for (let i = 0; i < ADDRESS_PER_15_MINUTES; i++) await register(api, '127.0.0.23', `reg-${i}`);
		const late = await requestFrom('127.0.0.23', api.url, 'POST', '/api/v1/auth/register', {
			body: { email: uniqueEmail('late'), password: PASSWORD, displayName: 'Late' },
		});
		expectRefused(late, 15 * 60);
		expect(late.json.error.message).toContain('accounts created from this address');
	});

	// The general limiter's RateLimit-* headers must not overwrite the sign-in limiter's on its 429.
	it('a sign-in 429 carries RateLimit headers of the sign-in limit (limit=3, remaining=0)', async () => {
		const email = uniqueEmail('hdr');
		for (let i = 0; i < AUTH_PER_15_MINUTES; i++) {
			await requestFrom('127.0.0.31', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'x' } });
		}
		const blocked = await requestFrom('127.0.0.31', api.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'x' } });
		expectRateLimited(blocked, AUTH_PER_15_MINUTES, 15 * 60);
	});

	// The middleware can answer 429 on every dynamic /api/v1/ operation; ChatGPT reads the document to back off.
	it('every 429 it answers is documented: the operations it limits list 429 in /openapi.json', async () => {
		const undocumented: string[] = [];
		for (const [path, item] of Object.entries(api.doc.paths)) {
			if (!/^\/api\/v1\//.test(path)) continue;
			for (const [method, op] of Object.entries(item as Record<string, { operationId: string; responses: Record<string, unknown> }>)) {
				const isStatic = /\.json$/.test(path);
				if (!isStatic && !op.responses['429']) undocumented.push(`${method.toUpperCase()} ${path} (${op.operationId})`);
			}
		}
		expect(undocumented).toEqual([]);
	});
});

describe.each(DATABASE_KINDS)('%s: a classroom behind one address, with the default limits', (kind) => {
	let api: ApiServer;
	beforeAll(async () => {
		// The defaults, except a small per-account failure budget: successes must not touch it.
		api = await startApiServer(kind, {
			AUTH_RATE_LIMIT_PER_15_MINUTES: String(AUTH_PER_15_MINUTES),
			RATE_LIMIT_PER_MINUTE: '60',
			AUTH_ADDRESS_LIMIT_PER_15_MINUTES: '300',
		});
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('50 learners register and sign in from one address within a minute, each loading the sign-in page first', async () => {
		const started = Date.now();
		const learners = [];
		for (let i = 0; i < 50; i++) learners.push(await register(api, '127.0.0.9', `class-${i}`));
		for (const learner of learners) {
			expect((await requestFrom('127.0.0.9', api.url, 'GET', '/login')).status).toBe(200);
			const res = await requestFrom('127.0.0.9', api.url, 'POST', '/api/v1/auth/login', {
				body: { email: learner.email, password: PASSWORD },
			});
			expect(res.status, learner.email).toBe(200);
		}
		// The same learner signing in again and again is not slowed either.
		for (let i = 0; i < AUTH_PER_15_MINUTES + 2; i++) {
			const again = await requestFrom('127.0.0.9', api.url, 'POST', '/api/v1/auth/login', {
				body: { email: learners[0]?.email, password: PASSWORD },
			});
			expect(again.status).toBe(200);
		}
		expect(Date.now() - started).toBeLessThan(60_000);
	});
});
