/**
 * The production server as an operator meets it: configuration checked at start-up, JSON logs with
 * a request id, security headers, and a clean shutdown on SIGTERM that releases the database.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../../src/publish/headers.ts';
import { SERVER_LAUNCHER, serverNodeFlags } from '../../scripts/node-flags.ts';
import { assertBuilt, DIST_DIR, startServer } from '../helpers/server.ts';

/** A request with its target sent exactly as written (fetch would normalise `//` and `..`). */
function raw(port: number, method: string, target: string, headers: Record<string, string> = {}) {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
			let body = '';
			res.on('data', (chunk) => {
				body += chunk;
			});
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

/** The headers two answers for the same file must share (not the date or the request id). */
function fileHeaders(headers: http.IncomingHttpHeaders) {
	const { date: _date, 'x-request-id': _id, connection: _c, 'keep-alive': _k, ...rest } = headers;
	return rest;
}

describe('production server (scripts/serve.ts)', () => {
	it('refuses to start with invalid configuration and lists every problem', () => {
		assertBuilt();
		const run = spawnSync(process.execPath, [SERVER_LAUNCHER], {
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
		// Started without package.json's node flags, it says the heap is not given back when idle.
		expect(lines.some((l) => String(l.msg).includes('without --expose-gc'))).toBe(true);
		// The embedded database was closed, so its lock is gone and the next start needs no recovery.
		expect(existsSync(lock)).toBe(false);
	});

	it('started with the serve script’s node flags, gives the heap back to the system once idle, and still answers', async () => {
		const server = await startServer({ nodeArgs: serverNodeFlags(), env: { LOG_LEVEL: 'info', IDLE_MEMORY_RELEASE_SECONDS: '1' } });
		try {
			for (let i = 0; i < 200; i++) expect((await fetch(`${server.url}/api/v1/me`)).status).toBe(401);
			const returned = () =>
				server
					.output()
					.split('\n')
					.filter((l) => l.startsWith('{'))
					.map((l) => JSON.parse(l) as { msg?: string; rssBeforeMb?: number; rssAfterMb?: number; ms?: number })
					.find((l) => l.msg === 'idle: memory returned');
			const deadline = Date.now() + 20_000;
			while (!returned() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
			const line = returned();
			expect(line, server.output()).toBeDefined();
			expect(line?.rssAfterMb).toBeLessThan(line?.rssBeforeMb as number);
			expect(line?.ms).toBeGreaterThanOrEqual(0);
			expect((await fetch(`${server.url}/api/v1/chapters.json`)).status).toBe(200);
		} finally {
			expect(await server.stop()).toBe(0);
		}
	});

	it('runs as the JavaScript the build compiled: with Node’s TypeScript stripping off, a fresh embedded database starts from the shipped cluster and search answers', async () => {
		// Loading one .ts file would bring Node's TypeScript stripper into the process for good (decision 0040).
		const flags = serverNodeFlags();
		expect(flags).toContain('--no-experimental-strip-types');
		const server = await startServer({ nodeArgs: flags, freshDatabase: true, env: { LOG_LEVEL: 'info' } });
		try {
			const search = await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent('how does an agent call a tool')}`);
			expect(search.status).toBe(200);
			expect(((await search.json()) as { count: number }).count).toBeGreaterThan(0);
			// A sign-up writes through the database the server just made (and hashes with argon2's native addon).
			const signUp = await fetch(`${server.url}/api/v1/auth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					email: 'compiled@example.test',
					password: 'a long enough passphrase 1',
					displayName: 'Compiled',
					session: 'bearer',
				}),
			});
			expect(signUp.status, await signUp.clone().text()).toBe(201);
			const { token } = (await signUp.json()) as { token: string };
			expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
			// The cluster came from the template the build put next to the compiled chunks, not from initdb.
			expect(server.output()).not.toContain('not starting');
			expect(existsSync(path.join(server.dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
		} finally {
			expect(await server.stop()).toBe(0);
		}
	});

	it('answers public files with the CDN’s headers, 304 and HEAD, refuses paths out of the build, and survives odd targets', async () => {
		const server = await startServer({ env: { LOG_LEVEL: 'info' } });
		try {
			const target = '/api/v1/chapters.json';
			const get = await raw(server.port, 'GET', target);
			expect(get.status).toBe(200);
			expect(get.headers).toMatchObject({
				'content-type': contentTypeFor(target.slice(1)),
				'cache-control': 'public, max-age=60, must-revalidate',
				'access-control-allow-origin': '*',
				'content-length': String(Buffer.byteLength(get.body)),
				'x-content-type-options': 'nosniff',
			});
			expect(get.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
			expect(get.headers.etag).toMatch(/^W\/"\d+-\d+"$/);
			expect(JSON.parse(get.body)).toHaveProperty('chapters');

			// A Range request is answered from disk (sirv): the same file, labelled the same way.
			const range = await raw(server.port, 'GET', target, { range: 'bytes=0-9' });
			expect(range.status).toBe(206);
			expect(range.body).toBe(get.body.slice(0, 10));
			const { 'content-length': _l, 'content-range': _r, 'accept-ranges': _a, ...fromDisk } = fileHeaders(range.headers);
			const { 'content-length': _l2, ...fromMemory } = fileHeaders(get.headers);
			expect(fromDisk).toEqual(fromMemory);

			const head = await raw(server.port, 'HEAD', `${target}?any=query`);
			expect(head.status).toBe(200);
			expect(head.body).toBe('');
			expect(fileHeaders(head.headers)).toEqual(fileHeaders(get.headers));

			const notModified = await raw(server.port, 'GET', target, { 'if-none-match': get.headers.etag ?? '', 'x-request-id': 'req-304' });
			expect(notModified.status).toBe(304);
			expect(notModified.body).toBe('');
			expect(notModified.headers['x-request-id']).toBe('req-304');
			expect(notModified.headers['content-security-policy']).toContain("default-src 'self'");
			expect((await raw(server.port, 'GET', target, { 'if-none-match': 'W/"0-0"' })).status).toBe(200);

			for (const outside of [
				'/../package.json',
				'/%2e%2e/package.json',
				'/api/v1/..%2f..%2f..%2fpackage.json',
				'/.env',
				'/%2e%2e/%2e%2e/etc/passwd',
			]) {
				const res = await raw(server.port, 'GET', outside);
				expect(res.status, outside).toBe(404);
				expect(res.body).not.toContain('"devDependencies"');
			}
			// `new URL('//', base)` throws: once, this request ended the server.
			for (const odd of ['//', '//chapters/x', '*']) expect((await raw(server.port, 'GET', odd)).status, odd).toBeLessThan(500);
			expect((await raw(server.port, 'GET', target)).status).toBe(200);

			await server.stop();
			const logged = server
				.output()
				.split('\n')
				.filter((l) => l.startsWith('{'))
				.map((l) => JSON.parse(l) as Record<string, unknown>)
				.find((l) => l.reqId === 'req-304');
			expect(logged).toMatchObject({ level: 30, service: 'course-companion', msg: 'request', method: 'GET', url: target, status: 304 });
		} finally {
			await server.stop();
		}
	});
});
