/**
 * The production server as an operator meets it: configuration checked at start-up, JSON logs with
 * a request id, security headers, and a clean shutdown on SIGTERM that releases the database.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, DIST_DIR, startServer } from '../helpers/server.ts';

describe('production server (scripts/serve.ts)', () => {
	it('refuses to start with invalid configuration and lists every problem', () => {
		assertBuilt();
		const run = spawnSync(process.execPath, ['scripts/serve.ts'], {
			env: { ...process.env, DIST_DIR, PORT: 'eighty', DATABASE_URL: 'mysql://db/x', CONTENT_STORE: 'r2', LOG_LEVEL: 'warn' },
			encoding: 'utf8',
			timeout: 30_000,
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('Invalid configuration');
		expect(run.stderr).toMatch(/PORT: /);
		expect(run.stderr).toMatch(/DATABASE_URL: must start with postgres:\/\//);
		expect(run.stderr).toMatch(/R2_ENDPOINT: is required when CONTENT_STORE=r2/);
		expect(run.stderr).toMatch(/R2_PRIVATE_BUCKET: is required when CONTENT_STORE=r2/);
	});

	it('logs JSON lines with a request id, sends security headers, and shuts down cleanly on SIGTERM', async () => {
		const server = await startServer({ env: { LOG_LEVEL: 'info' } });
		const lock = `${path.join(server.dataDir, 'pglite')}.lock`;
		expect(existsSync(lock)).toBe(true);
		const res = await fetch(`${server.url}/api/v1/chapters.json`, { headers: { 'x-request-id': 'req-test-42' } });
		expect(res.status).toBe(200);
		expect(res.headers.get('x-request-id')).toBe('req-test-42');
		expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		const api = await fetch(`${server.url}/api/v1/me`);
		expect(api.status).toBe(401);
		expect(api.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

		const code = await server.stop();
		expect(code).toBe(0);
		const lines = server
			.output()
			.split('\n')
			.filter((l) => l.startsWith('{'))
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		const logged = lines.find((l) => l.reqId === 'req-test-42');
		expect(logged).toMatchObject({ msg: 'request', method: 'GET', url: '/api/v1/chapters.json', status: 200 });
		expect(typeof logged?.ms).toBe('number');
		expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
		// The embedded database was closed, so its lock is gone and the next start needs no recovery.
		expect(existsSync(lock)).toBe(false);
	});
});
