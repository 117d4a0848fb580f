/**
 * `npm run dev` (Astro's dev server) on the demo fixture course: a signed-in premium learner reads a
 * premium chapter (the rewrite to the server-rendered page comes after the session check), and the
 * development CSP lets Vite's inline styles and HMR socket through while the production one stays strict.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COURSE } from '../helpers/fixture-build.ts';
import { freePort } from './oauth/helpers.ts';

const PREMIUM_CHAPTER = 'agent-skills';

describe('npm run dev', () => {
	let child: ChildProcess;
	let origin: string;
	let output = '';
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-dev-'));
	beforeAll(async () => {
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		child = spawn(
			process.execPath, // Its own outDir: the dev server writes the private artifact there, never into dist/ (the build under test).
			['node_modules/astro/bin/astro.mjs', 'dev', '--host', '127.0.0.1', '--port', String(port), '--outDir', path.join(dir, 'dist')],
			{
				env: {
					// Not vitest's own variables: Vite changes how it serves when it sees them.
					...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITEST|VITE_|TEST)/.test(name))),
					NODE_ENV: 'development',
					ASTRO_TELEMETRY_DISABLED: '1',
					CONTENT_DIR: DEMO_COURSE,
					PRIVATE_CONTENT_DIR: path.join(dir, 'dist', 'private'),
					DATA_DIR: path.join(dir, 'pglite'),
					DATABASE_URL: '',
					SEED_DEMO: 'true',
					PUBLIC_ORIGIN: origin,
					LOG_LEVEL: 'warn',
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		child.stdout?.on('data', (d) => (output += d));
		child.stderr?.on('data', (d) => (output += d));
		const deadline = Date.now() + 90_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`astro dev exited with ${child.exitCode}:\n${output}`);
			if (Date.now() > deadline) throw new Error(`astro dev did not answer in 90 s:\n${output}`);
			const ok = await fetch(`${origin}/api/health`).then(
				(r) => r.ok,
				() => false,
			);
			if (ok) break;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}, 120_000);
	afterAll(async () => {
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	});

	it('shows a signed-in premium learner the premium chapter, not the paywall', async () => {
		const login = await fetch(`${origin}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin },
			body: JSON.stringify({ email: 'premium@demo.test', password: 'learn-with-chatgpt' }),
		});
		expect(login.status, await login.clone().text()).toBe(200);
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const page = await fetch(`${origin}/chapters/${PREMIUM_CHAPTER}/`, { headers: { cookie } });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).not.toContain('data-paywall');
		const anonymous = await (await fetch(`${origin}/chapters/${PREMIUM_CHAPTER}/`)).text();
		expect(anonymous).toContain('data-paywall');
	}, 60_000);

	it('sends the development CSP: inline styles and the HMR socket allowed', async () => {
		const res = await fetch(`${origin}/api/health`);
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("style-src 'self' 'unsafe-inline'");
		expect(csp).toContain("connect-src 'self' ws: wss:");
	});
});
