/**
 * Helpers for the OAuth suites: register a client with the real CLI, drive the authorization page
 * like a browser (cookie jar, same-origin form posts), and call the token endpoint the way ChatGPT
 * does (server to server: no Origin, no cookies).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';

export const CHATGPT_REDIRECT = 'https://chatgpt.com/aip/g-0123456789abcdef/oauth/callback';
export const PASSWORD = 'learn-with-chatgpt';

export interface RegisteredClient {
	client_id: string;
	client_secret: string | null;
}

/** `node scripts/oauth.ts add-client --json`, against an embedded data directory or a Postgres URL. */
export async function addClientWithCli(options: {
	/** The directory given to startServer({ dataDir }); the server uses `<dir>/pglite`. */
	dataDir?: string;
	databaseUrl?: string;
	name: string;
	redirectUris: string[];
	isPublic?: boolean;
}): Promise<RegisteredClient> {
	const args = ['scripts/oauth.ts', 'add-client', '--json', '--name', options.name];
	for (const uri of options.redirectUris) args.push('--redirect-uri', uri);
	if (options.isPublic) args.push('--public');
	const { code, stdout, stderr } = await run(args, {
		DATABASE_URL: options.databaseUrl ?? '',
		DATA_DIR: options.dataDir ? path.join(options.dataDir, 'pglite') : '',
	});
	if (code !== 0) throw new Error(`oauth add-client failed (${code}): ${stderr}`);
	return JSON.parse(stdout) as RegisteredClient;
}

export function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: path.resolve('.'), env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => {
			stdout += d;
		});
		child.stderr.on('data', (d) => {
			stderr += d;
		});
		child.once('error', reject);
		child.once('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

export interface HttpResult {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

async function toResult(res: Response): Promise<HttpResult> {
	const text = await res.text();
	let json: unknown;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** A browser on the authorization page: keeps the session cookie and sends our Origin on posts. */
export class Browser {
	readonly base: string;
	cookie = '';
	constructor(base: string) {
		this.base = base;
	}

	private remember(res: Response): void {
		const set = res.headers.getSetCookie().find((c) => c.startsWith('cc_session='));
		if (set) this.cookie = set.split(';')[0] ?? '';
	}

	async get(pathname: string): Promise<HttpResult> {
		const res = await fetch(this.base + pathname, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' });
		this.remember(res);
		return toResult(res);
	}

	async postForm(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult> {
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
		return toResult(res);
	}

	/** Signs in on the authorization page (login form → 303 back to the same URL). */
	async signIn(authorizePath: string, email: string, password = PASSWORD): Promise<HttpResult> {
		return this.postForm(authorizePath, { intent: 'login', email, password });
	}
}

export function authorizePath(params: Record<string, string | undefined>): string {
	const query = new URLSearchParams();
	for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
	return `/oauth/authorize?${query.toString()}`;
}

/** Follows the consent screen's Allow button; returns the parsed redirect (must be a 302 to the client). */
export async function approve(browser: Browser, pathname: string): Promise<URL> {
	const res = await browser.postForm(pathname, { intent: 'approve' });
	if (res.status !== 302) throw new Error(`approve: expected 302, got ${res.status}: ${res.text.slice(0, 300)}`);
	return new URL(res.headers.get('location') as string);
}

/** POST to a token-style endpoint as a server would: form-encoded (or JSON), no Origin, no cookie. */
export async function serverPost(
	base: string,
	pathname: string,
	fields: Record<string, string>,
	options: { basic?: [string, string]; json?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = {
		'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
		...options.headers,
	};
	if (options.basic) {
		const [id, secret] = options.basic.map((s) => encodeURIComponent(s));
		headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
	}
	const body = options.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
	return toResult(await fetch(base + pathname, { method: 'POST', headers, body, redirect: 'manual' }));
}

export async function bearerGet(base: string, pathname: string, token: string): Promise<HttpResult> {
	return toResult(await fetch(base + pathname, { headers: { authorization: `Bearer ${token}` } }));
}

export function s256(verifier: string): string {
	return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function sha256Hex(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A free TCP port in the range these suites may use (4800–4899), for a server whose PUBLIC_ORIGIN must be its real address. */
export async function freePort(): Promise<number> {
	const { createServer } = await import('node:net');
	const start = 4800 + Math.floor(Math.random() * 100);
	for (let i = 0; i < 100; i++) {
		const port = 4800 + ((start - 4800 + i) % 100);
		const free = await new Promise<boolean>((resolve) => {
			const probe = createServer();
			probe.once('error', () => resolve(false));
			probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error('no free port in 4800–4899');
}
