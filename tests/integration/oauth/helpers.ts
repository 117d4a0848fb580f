/**
 * Helpers for the OAuth suites: register a client with the real CLI, drive the authorization page
 * like a browser (cookie jar, same-origin form posts), and call the token endpoint the way ChatGPT
 * does (server to server: no Origin, no cookies).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { runNode } from '../../helpers/run-node.ts';
import { Client, type HttpResult, readResult } from '../../helpers/server.ts';

export type { HttpResult };

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

export const run = (args: string[], env: Record<string, string>) => runNode(args, { env });

/** A browser on the authorization page: the test client's cookie jar, Origin and form posts, plus the login form. */
export class Browser extends Client {
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
	return readResult(await fetch(base + pathname, { method: 'POST', headers, body, redirect: 'manual' }));
}

export async function bearerGet(base: string, pathname: string, token: string): Promise<HttpResult> {
	return readResult(await fetch(base + pathname, { headers: { authorization: `Bearer ${token}` } }));
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
