/**
 * The MCP Inspector's CLI (a client nobody on the team wrote) against the real production server:
 * it lists the tools, calls a public one anonymously, is told to sign in for a protected one, and calls
 * that one with a bearer token the real OAuth flow issued (registration, PKCE, the real sign-in and
 * consent pages, the token endpoint). The Inspector is the pinned devDependency, run from node_modules
 * with the project's Node 24 (it needs Node >= 22.19): nothing is fetched at run time, no npx.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_TOOLS } from '../../../src/server/mcp/tools.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, authorizePath, Browser, freePort, s256 } from '../oauth/helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const INSPECTOR = path.join(ROOT, 'node_modules/@modelcontextprotocol/inspector');
const LAUNCHER = path.join(INSPECTOR, 'clients/launcher/build/index.js');
const CALLBACK = 'http://127.0.0.1:33418/callback';

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

describe('pglite: the MCP Inspector CLI', () => {
	let server: RunningServer;
	let origin: string;
	let home: string;

	beforeAll(async () => {
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		server = await startServer({ env: { PORT: String(port), PUBLIC_ORIGIN: origin } });
		// The Inspector keeps a catalog under $HOME: give it a scratch one.
		home = mkdtempSync(path.join(os.tmpdir(), 'cc-inspector-'));
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
		if (home) rmSync(home, { recursive: true, force: true });
	});

	function inspector(...args: string[]): Promise<Run> {
		const started = Date.now();
		return new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [LAUNCHER, '--cli', `${origin}/mcp`, ...args], {
				cwd: home,
				env: { ...process.env, HOME: home, npm_config_offline: 'true', MCP_AUTO_OPEN_ENABLED: 'false' },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d) => {
				stdout += d;
			});
			child.stderr.on('data', (d) => {
				stderr += d;
			});
			child.once('error', reject);
			child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
		});
	}

	/** A token as an MCP client gets one: dynamic registration, PKCE S256, the learner signs in and allows, code exchange. */
	async function oauthToken(email: string): Promise<string> {
		const registered = await fetch(`${origin}/oauth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ client_name: 'MCP Inspector', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }),
		});
		expect(registered.status).toBe(201);
		const clientId = ((await registered.json()) as { client_id: string }).client_id;
		const verifier = 'inspector-verifier-0123456789-0123456789-0123456789';
		const page = authorizePath({
			response_type: 'code',
			client_id: clientId,
			redirect_uri: CALLBACK,
			code_challenge: s256(verifier),
			code_challenge_method: 'S256',
			resource: `${origin}/mcp`,
		});
		const browser = new Browser(origin);
		expect((await browser.signIn(page, email)).status).toBe(303);
		const code = (await approve(browser, page)).searchParams.get('code') as string;
		const res = await fetch(`${origin}/oauth/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'authorization_code',
				client_id: clientId,
				code,
				redirect_uri: CALLBACK,
				code_verifier: verifier,
				resource: `${origin}/mcp`,
			}),
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { access_token: string }).access_token;
	}

	it('is the pinned 2.12 release, installed with the project, run on a Node it supports', () => {
		expect(existsSync(LAUNCHER)).toBe(true);
		const version = (JSON.parse(readFileSync(path.join(INSPECTOR, 'package.json'), 'utf8')) as { version: string }).version;
		expect(version).toMatch(/^2\.12\./);
		const declared = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
			.devDependencies['@modelcontextprotocol/inspector'];
		expect(declared).toBe(version);
		// It needs Node >= 22.19: the tests run on the project's pinned Node (node_modules/.bin/node first on PATH).
		const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
		expect(major > 22 || (major === 22 && minor >= 19), `Node ${process.versions.node}`).toBe(true);
	});

	it('lists every tool with its input and output schemas', async () => {
		const run = await inspector('--method', 'tools/list');
		expect(run.code, run.stderr).toBe(0);
		const { tools } = JSON.parse(run.stdout) as { tools: { name: string; inputSchema: object; outputSchema?: { type: string } }[] };
		expect(tools.map((t) => t.name)).toEqual(MCP_TOOLS.map((t) => t.op.operationId));
		for (const tool of tools) expect(tool.outputSchema?.type, tool.name).toBe('object');
		expect(run.stderr).toMatch(/Schema portability: 0 errors/);
	});

	it('calls a public tool anonymously and gets structured content', async () => {
		const run = await inspector('--method', 'tools/call', '--tool-name', 'searchContent', '--tool-arg', 'q=tool use', 'limit=2');
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout) as { isError?: boolean; structuredContent: { count: number; results: unknown[] } };
		expect(result.isError).toBeFalsy();
		expect(result.structuredContent.count).toBe(2);
		expect(result.structuredContent.results).toHaveLength(2);
	});

	it('is sent to sign in for a protected tool called anonymously (the 401 challenge starts its OAuth)', async () => {
		const run = await inspector('--method', 'tools/call', '--tool-name', 'getProgress');
		expect(run.code).not.toBe(0);
		expect(`${run.stdout}${run.stderr}`).toMatch(/auth_required|OAuth/);
	});

	it('calls a protected tool with a bearer token from the real OAuth flow', async () => {
		const token = await oauthToken('premium@demo.test');
		const me = await inspector('--method', 'tools/call', '--tool-name', 'getMe', '--header', `Authorization: Bearer ${token}`);
		expect(me.code, me.stderr).toBe(0);
		expect((JSON.parse(me.stdout) as { structuredContent: { email: string } }).structuredContent.email).toBe('premium@demo.test');
		const progress = await inspector('--method', 'tools/call', '--tool-name', 'getProgress', '--header', `Authorization: Bearer ${token}`);
		expect(progress.code, progress.stderr).toBe(0);
		const result = JSON.parse(progress.stdout) as { isError?: boolean; structuredContent: { percentComplete: number } };
		expect(result.isError).toBeFalsy();
		expect(typeof result.structuredContent.percentComplete).toBe('number');
		// Quick enough for CI: each run is one Node start, one handshake and one call.
		expect(progress.ms).toBeLessThan(20_000);
	});
});
