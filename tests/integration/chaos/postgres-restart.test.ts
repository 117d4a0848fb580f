/**
 * PostgreSQL crash-restarted under write load, on a private cluster this test creates (never the
 * shared one): while it is down the server answers 503 with Retry-After (API: the JSON error shape;
 * pages: a plain page) and /api/ready says not ready; when it is back the same server process answers
 * again, and every account it acknowledged (201) is in the database. Once over pg, once over Neon's
 * WebSocket driver (through the local relay in tests/helpers/ws-proxy.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../helpers/server.ts';
import { startWsProxy } from '../../helpers/ws-proxy.ts';
import { startWriteLoad, waitFor } from './load.ts';
import { createPrivatePostgres, type PrivatePostgres, postgresBinDir } from './private-postgres.ts';

const bin = postgresBinDir();
if (!bin) console.warn('\n*** PostgreSQL chaos test skipped: no /usr/lib/postgresql/*/bin/initdb ***\n');

async function emailsIn(url: string): Promise<Set<string>> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query<{ email: string }>("select email from users where email like 'chaos-%'");
		return new Set(rows.map((r) => r.email));
	} finally {
		await client.end();
	}
}

describe.skipIf(!bin)('PostgreSQL restart under write load (private cluster)', () => {
	let cluster: PrivatePostgres;
	beforeAll(async () => {
		cluster = await createPrivatePostgres();
	}, 60_000);
	afterAll(() => cluster?.destroy());

	for (const driver of ['postgres', 'neon'] as const) {
		it(`${driver}: 503 while down, recovers by itself, no acknowledged write lost`, { timeout: 90_000 }, async () => {
			const admin = new pg.Client({ connectionString: cluster.url });
			await admin.connect();
			await admin.query(`create database chaos_${driver}`);
			await admin.end();
			const url = cluster.url.replace(/\/postgres$/, `/chaos_${driver}`);
			const proxy = driver === 'neon' ? await startWsProxy() : undefined;
			const server = await startServer({
				databaseUrl: url,
				env: { SEED_DEMO: 'false', ...(proxy ? { DATABASE_DRIVER: 'neon', NEON_WS_PROXY: `127.0.0.1:${proxy.port}/v1` } : {}) },
			});
			const started = Date.now();
			try {
				const load = startWriteLoad(() => server.url);
				await waitFor(() => load.acknowledgedCount() >= 20, 20_000, 'writes before the fault');

				cluster.stop('immediate');
				const downAt = Date.now();
				await new Promise((resolve) => setTimeout(resolve, 500));
				const api = await fetch(`${server.url}/api/v1/auth/register`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin: server.url },
					body: JSON.stringify({ email: 'probe@example.test', password: 'chaos-password-1', displayName: 'Probe' }),
				});
				expect(api.status).toBe(503);
				expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
				expect(await api.json()).toMatchObject({ error: { code: 'database_unavailable', message: expect.any(String) } });
				const ready = await fetch(`${server.url}/api/ready`);
				expect(ready.status).toBe(503);
				// A page that needs the database: a well-formed session cookie is looked up (an anonymous visit is sent to
				// sign-in without a query, since the per-request limit is counted in memory).
				const page = await fetch(`${server.url}/dashboard`, {
					redirect: 'manual',
					headers: { cookie: `cc_session=${'a'.repeat(24)}.${'b'.repeat(32)}` },
				});
				expect(page.status).toBe(503);
				expect(page.headers.get('content-type')).toMatch(/^text\/html/);
				expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
				await new Promise((resolve) => setTimeout(resolve, Math.max(0, 2_000 - (Date.now() - downAt))));

				cluster.start();
				await waitFor(async () => (await fetch(`${server.url}/api/ready`)).status === 200, 30_000, '/api/ready after the restart');
				const backAfterMs = Date.now() - downAt;
				const before = load.acknowledgedCount();
				await waitFor(() => load.acknowledgedCount() >= before + 20, 20_000, 'writes after the restart');
				const result = await load.stop();

				expect(server.child.exitCode, server.output()).toBeNull();
				const present = await emailsIn(url);
				const missing = result.acknowledged.filter((email) => !present.has(email));
				expect(missing).toEqual([]);
				expect(result.statuses['503'] ?? 0).toBeGreaterThan(0);
				expect(result.statuses['500'] ?? 0, JSON.stringify(result.samples['500'])).toBe(0);
				expect(result.samples['503']).toMatchObject({ retryAfter: expect.stringMatching(/^\d+$/) });
				console.info(
					`[chaos] ${driver} restart: ${result.acknowledged.length} writes acknowledged, ${present.size} found, ${missing.length} missing; ` +
						`answers ${JSON.stringify(result.statuses)}; ready again ${backAfterMs} ms after the crash; ${Date.now() - started} ms in all`,
				);
			} finally {
				await server.stop();
				await proxy?.close();
			}
		});
	}
});
