/**
 * Starts the real production server (scripts/serve.ts, as the build compiled it) on the built output, in a child process
 * on a free port, with its own embedded database directory or its own Postgres database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isBuilt, TEST_DIST_DIR } from './fixture-build.ts';
import { SERVER_LAUNCHER } from '../../scripts/node-flags.ts';
import { copyPgliteTemplate } from './pglite-template.ts';

export interface RunningServer {
	url: string;
	port: number;
	dataDir: string;
	child: ChildProcess;
	output: () => string;
	stop(): Promise<number | null>;
}

/** The build under test: the demo fixture course (tests/helpers/fixture-build.ts), never the build of content/. */
export const DIST_DIR = TEST_DIST_DIR;

export function assertBuilt(): void {
	if (!isBuilt(DIST_DIR)) {
		throw new Error(
			`No build in ${DIST_DIR}: vitest's globalSetup (tests/helpers/fixture-build.ts) builds it; run the tests through vitest.`,
		);
	}
}

export async function startServer(
	options: {
		databaseUrl?: string;
		env?: Record<string, string>;
		dataDir?: string;
		nodeArgs?: string[];
		/** An empty embedded-database directory, made by the server itself (not the migrated copy tests start from). */
		freshDatabase?: boolean;
	} = {},
): Promise<RunningServer> {
	assertBuilt();
	const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'cc-server-'));
	if (!options.databaseUrl && !options.freshDatabase) copyPgliteTemplate(path.join(dataDir, 'pglite'));
	const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_LAUNCHER], {
		cwd: path.resolve('.'),
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			LOG_LEVEL: 'warn',
			DIST_DIR,
			PRIVATE_CONTENT_DIR: path.join(DIST_DIR, 'private'),
			DATA_DIR: path.join(dataDir, 'pglite'),
			DATABASE_URL: options.databaseUrl ?? '',
			SEED_DEMO: 'true',
			RATE_LIMIT_PER_MINUTE: '100000',
			AUTH_RATE_LIMIT_PER_15_MINUTES: '100000',
			...options.env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout?.on('data', (d) => {
		out += d;
	});
	child.stderr?.on('data', (d) => {
		out += d;
	});
	const port = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
		const check = () => {
			const match = /running at http:\/\/[^:]+:(\d+)/.exec(out);
			if (match) {
				clearTimeout(timer);
				resolve(Number(match[1]));
			}
		};
		child.stdout?.on('data', check);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code} before listening:\n${out}`));
		});
	});
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		dataDir,
		child,
		output: () => out,
		async stop() {
			if (child.exitCode !== null) return child.exitCode;
			const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			const code = await exited;
			if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
			return code;
		},
	};
}

export interface HttpResult {
	status: number;
	headers: Headers;
	text: string;
	// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server sent
	json: any;
}

/** A response with its body read once, as text and (when it parses) as JSON. */
export async function readResult(res: Response): Promise<HttpResult> {
	const text = await res.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** A tiny HTTP client with a cookie jar and the Origin a browser would send. */
export class Client {
	readonly base: string;
	cookie = '';
	bearer = '';
	constructor(base: string) {
		this.base = base;
	}

	async request(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
		const init: RequestInit = {
			method,
			headers: {
				origin: this.base,
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
			redirect: 'manual',
		};
		const res = await fetch(this.base + pathname, init);
		this.remember(res);
		return readResult(res);
	}

	/** A same-origin HTML form post, as a browser sends it (pairs for repeated names, as checkboxes send). */
	async postForm(
		pathname: string,
		fields: Record<string, string> | [string, string][],
		headers: Record<string, string> = {},
	): Promise<HttpResult> {
		const res = await fetch(this.base + pathname, {
			method: 'POST',
			headers: {
				origin: this.base,
				'sec-fetch-site': 'same-origin',
				'content-type': 'application/x-www-form-urlencoded',
				...(this.cookie ? { cookie: this.cookie } : {}),
				...headers,
			},
			body: new URLSearchParams(fields).toString(),
			redirect: 'manual',
		});
		this.remember(res);
		return readResult(res);
	}

	private remember(res: Response): void {
		const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('cc_session='));
		if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
	}

	get(pathname: string) {
		return this.request('GET', pathname);
	}
	post(pathname: string, body?: unknown) {
		return this.request('POST', pathname, body);
	}

	async login(email: string, password = 'learn-with-chatgpt') {
		const res = await this.post('/api/v1/auth/login', { email, password });
		if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
		return res.json;
	}
}
