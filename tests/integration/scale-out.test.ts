/**
 * Scale out: two server processes against one PostgreSQL share sessions and rate limits, once with the
 * limits in PostgreSQL (rate-limiter-flexible's Postgres store) and once in Redis (REDIS_URL, its Redis
 * store), each run under its own key prefix. Needs TEST_DATABASE_URL (CI sets it) and, for the Redis run,
 * the Redis server at TEST_REDIS_URL (default redis://127.0.0.1:6379; .ci/run starts one).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { redisAvailable, TEST_REDIS_URL } from '../helpers/redis.ts';
import { Client, type RunningServer, startServer } from '../helpers/server.ts';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('\n*** scale-out test skipped: set TEST_DATABASE_URL to a PostgreSQL server (CI does) ***\n');
const hasRedis = hasPostgres && (await redisAvailable());
if (hasPostgres && !hasRedis)
	console.warn(`\n*** scale-out test on Redis skipped: no Redis answers at ${TEST_REDIS_URL} (.ci/run starts one) ***\n`);

const STORES = [
	{ name: 'limits in PostgreSQL', run: hasPostgres, redis: false },
	{ name: 'limits in Redis', run: hasRedis, redis: true },
];

for (const store of STORES)
	describe.skipIf(!store.run)(`two server processes on one PostgreSQL, ${store.name}`, () => {
		let database: TestDatabase;
		let a: RunningServer;
		let b: RunningServer;
		const prefix = `cc-test-${randomBytes(4).toString('hex')}:`;

		beforeAll(async () => {
			database = await createTestDatabase('postgres');
			// The per-request limit is shared across instances only when asked to be (the default counts per process), or with Redis.
			const env: Record<string, string> = store.redis
				? { RATE_LIMIT_PER_MINUTE: '12', REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }
				: { RATE_LIMIT_PER_MINUTE: '12', REQUEST_LIMIT_SCOPE: 'shared' };
			a = await startServer({ databaseUrl: database.url, env });
			b = await startServer({ databaseUrl: database.url, env });
		});

		afterAll(async () => {
			await Promise.all([a?.stop(), b?.stop()]);
			await database?.drop();
			if (store.redis) {
				const redis = new Redis(TEST_REDIS_URL);
				const keys = await redis.keys(`${prefix}*`);
				if (keys.length > 0) await redis.del(...keys);
				await redis.quit();
			}
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

		it.runIf(store.redis)('keeps the counts in Redis under its key prefix, not in the database', async () => {
			const redis = new Redis(TEST_REDIS_URL);
			try {
				const keys = await redis.keys(`${prefix}*`);
				expect(keys.some((k) => k.startsWith(`${prefix}rl_general`))).toBe(true);
			} finally {
				await redis.quit();
			}
			const pg = await import('pg');
			const client = new pg.default.Client({ connectionString: database.url });
			await client.connect();
			try {
				const { rows } = await client.query(`SELECT to_regclass('rate_limits') AS t`);
				expect(rows[0].t).toBeNull();
			} finally {
				await client.end();
			}
		});
	});
