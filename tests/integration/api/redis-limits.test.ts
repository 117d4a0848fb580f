/**
 * Rate limits in Redis (REDIS_URL): the per-request limit is enforced from Redis under the server's key
 * prefix, and a Redis that is away neither stops the server from starting nor lets requests through
 * unlimited: the in-memory insurance limiters count until Redis is back, and the server moves to Redis once
 * it answers. Uses the local Redis (TEST_REDIS_URL) and, for the outage, a redis-server of its own on a free port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL } from '../../helpers/redis.ts';
import { Client, type RunningServer, startServer } from '../../helpers/server.ts';

const hasRedis = await redisAvailable();
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) console.warn(`\n*** Redis rate-limit tests skipped: no Redis answers at ${TEST_REDIS_URL} (.ci/run starts one) ***\n`);
if (!hasRedisServer) console.warn('\n*** Redis outage test skipped: no redis-server binary on this machine ***\n');

const PER_MINUTE = 4;

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

async function statuses(client: Client, n: number): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) out.push((await client.get('/api/v1/me/streak')).status);
	return out;
}

async function keysUnder(url: string, prefix: string): Promise<string[]> {
	const redis = new Redis(url);
	try {
		return await redis.keys(`${prefix}*`);
	} finally {
		await redis.quit();
	}
}

const servers: RunningServer[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	for (const child of children) child.kill('SIGTERM');
});

describe.skipIf(!hasRedis)('rate limits in Redis', () => {
	it('counts a learner’s requests in Redis under the key prefix and refuses past the limit', async () => {
		const prefix = `cc-test-${randomBytes(4).toString('hex')}:`;
		const server = await startServer({
			env: { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) },
		});
		servers.push(server);
		const client = new Client(server.url);
		await client.login('premium@demo.test');
		expect(await statuses(client, PER_MINUTE + 1)).toEqual([...Array(PER_MINUTE).fill(200), 429]);
		const keys = await keysUnder(TEST_REDIS_URL, prefix);
		expect(keys.some((k) => k.startsWith(`${prefix}rl_general`))).toBe(true);
		const redis = new Redis(TEST_REDIS_URL);
		await redis.del(...keys);
		await redis.quit();
	});
});

describe.skipIf(!hasRedisServer)('rate limits while Redis is away', () => {
	it('starts without Redis, counts in memory meanwhile, and moves to Redis when it comes up', async () => {
		const port = await freePort();
		const url = `redis://127.0.0.1:${port}`;
		const prefix = `cc-test-${randomBytes(4).toString('hex')}:`;
		const server = await startServer({ env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
		servers.push(server);
		const client = new Client(server.url);
		await client.login('premium@demo.test');
		// No 500s, and still a limit: the insurance limiter in memory.
		expect(await statuses(client, PER_MINUTE + 1)).toEqual([...Array(PER_MINUTE).fill(200), 429]);
		expect(server.output()).toMatch(/redis unavailable, counting in memory/);

		const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: 'ignore',
		});
		children.push(redisServer);
		let moved = false;
		const other = new Client(server.url);
		await other.login('free@demo.test');
		for (let i = 0; i < 60 && !moved; i++) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			await other.get('/api/v1/me/streak');
			moved = (await redisAvailable(url)) && (await keysUnder(url, prefix)).length > 0;
		}
		expect(moved).toBe(true);
	}, 60_000);
});
