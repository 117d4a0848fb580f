/**
 * Scale out: two server processes against one PostgreSQL share sessions and rate limits
 * (rate-limiter-flexible's Postgres store). Needs TEST_DATABASE_URL; CI sets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { Client, type RunningServer, startServer } from '../helpers/server.ts';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('\n*** scale-out test skipped: set TEST_DATABASE_URL to a PostgreSQL server (CI does) ***\n');

describe.skipIf(!hasPostgres)('two server processes on one PostgreSQL', () => {
	let database: TestDatabase;
	let a: RunningServer;
	let b: RunningServer;

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		const env = { RATE_LIMIT_PER_MINUTE: '12' };
		a = await startServer({ databaseUrl: database.url, env });
		b = await startServer({ databaseUrl: database.url, env });
	});

	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		await database?.drop();
	});

	it('runs as two processes on two ports', () => {
		expect(a.port).not.toBe(b.port);
		expect(a.child.pid).not.toBe(b.child.pid);
	});

	it('accepts on one server a session made on the other, and a log-out on one revokes it on both', async () => {
		const onA = new Client(a.url);
		await onA.login('premium@demo.test');
		const onB = new Client(b.url);
		onB.cookie = onA.cookie;
		const me = await onB.get('/api/v1/me');
		expect(me.status).toBe(200);
		expect(me.json.email).toBe('premium@demo.test');
		const sessionCookie = onA.cookie;
		expect(sessionCookie).toMatch(/^cc_session=\w+\.\w+$/);
		const out = await onB.post('/api/v1/auth/logout');
		expect(out.status).toBe(200);
		// The same, now revoked, cookie is refused by the other process too.
		const after = await new Client(a.url).request('GET', '/api/v1/me', undefined, { cookie: sessionCookie });
		expect(after.status).toBe(401);
	});

	it('counts one learner’s requests to both servers against one limit', async () => {
		const onA = new Client(a.url);
		await onA.login('free@demo.test');
		const onB = new Client(b.url);
		onB.cookie = onA.cookie;
		const statuses: number[] = [];
		for (let i = 0; i < 7; i++) {
			statuses.push((await onA.get('/api/v1/me/streak')).status);
			statuses.push((await onB.get('/api/v1/me/streak')).status);
		}
		// 12 a minute in total: requests 1-12 pass whichever server they hit, 13 and 14 are refused.
		expect(statuses.slice(0, 12).every((s) => s === 200)).toBe(true);
		expect(statuses.slice(12)).toEqual([429, 429]);
		const refused = await onA.get('/api/v1/me/streak');
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(refused.json.error.code).toBe('rate_limited');
	});
});
