/**
 * `npm run serve`: the production server. Static files from dist/client (small ones from memory,
 * the rest with sirv), the API's operations straight from node:http (src/server/http/api-dispatch.ts),
 * everything else through Astro's handler; premium chapter and quiz pages go to their server-rendered versions.
 * JSON logs with a request id, security headers, graceful shutdown on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { cacheControlFor, contentTypeFor } from '../src/publish/headers.ts';
import { hasSessionCookie, learnRewrite } from '../src/server/premium-routes.ts';
import { securityHeaders } from '../src/server/security-headers.ts';

process.env.NODE_ENV ??= 'production';
const dist = path.resolve(process.env.DIST_DIR ?? 'dist');
const entry = path.join(dist, 'server', 'entry.mjs');
if (!existsSync(entry)) {
	console.error(`No server build at ${path.relative(process.cwd(), entry)}: run \`npm run build\` first (npm start does it for you).`);
	process.exit(1);
}

const { parseEnv } = await import('../src/server/env.ts');
let env: ReturnType<typeof parseEnv>;
try {
	env = parseEnv();
} catch (error) {
	console.error((error as Error).message);
	process.exit(1);
}
const { createAccessLog, log } = await import('../src/server/log.ts');
const accessLog = createAccessLog();

// The server owns shutdown: stop accepting, finish in-flight requests, then close the database.
(globalThis as { __ccManagedShutdown?: boolean }).__ccManagedShutdown = true;
const { handler } = (await import(pathToFileURL(entry).href)) as {
	handler: (req: http.IncomingMessage, res: http.ServerResponse, next?: (err?: unknown) => void, locals?: object) => Promise<void>;
};

/** Every chapter's tier, from chapters.json and the pages its `next` links name. */
function readChapterList(): { id: string; tier: string }[] {
	const chapters: { id: string; tier: string }[] = [];
	let next: string | null = '/api/v1/chapters.json';
	while (next) {
		const page = JSON.parse(readFileSync(path.join(dist, 'client', next), 'utf8')) as { chapters: typeof chapters; next?: string | null };
		chapters.push(...page.chapters);
		next = page.next ?? null;
	}
	return chapters;
}
const manifestChapters = readChapterList();
const premiumIds = new Set(manifestChapters.filter((c) => c.tier !== 'free').map((c) => c.id));
const https = env.PUBLIC_ORIGIN.startsWith('https:');
const headers = Object.entries(securityHeaders({ https }));

/** The one cache and content-type policy (src/publish/headers.ts), as the CDN applies it too. */
function staticHeaders(res: http.ServerResponse, pathname: string): void {
	const key = pathname.replace(/^\/+/, '');
	res.setHeader('Cache-Control', cacheControlFor(key, 'public'));
	// sirv sets the types mrmime knows (its own header wins); this labels the rest (Pagefind's wasm and chunks).
	if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', contentTypeFor(key));
	if (pathname.endsWith('.json')) res.setHeader('Access-Control-Allow-Origin', '*');
}

const sirvStatic = sirv(path.join(dist, 'client'), { etag: true, dotfiles: false, setHeaders: staticHeaders });

/** Content types of the files kept in memory, exactly as sirv (mrmime) sends them; other types stay with sirv. */
const MEMORY_TYPES: Record<string, string> = {
	html: 'text/html;charset=utf-8',
	htm: 'text/html;charset=utf-8',
	css: 'text/css',
	js: 'text/javascript',
	mjs: 'text/javascript',
	json: 'application/json',
	map: 'application/json',
	svg: 'image/svg+xml',
	txt: 'text/plain',
	xml: 'text/xml',
	webmanifest: 'application/manifest+json',
};

/**
 * Small public files served from memory: sirv opens, reads and closes the file for every request,
 * which was ~75% of a static request's CPU (docs/benchmarks.md). Same lookup order (`/x`, `/x/index`,
 * then `.html`, `.htm`), headers, ETag and 304 as sirv; Range requests and other files go to sirv.
 */
function memoryStatic(root: string, fallback: ReturnType<typeof sirv>, maxFile = 256 * 1024, maxTotal = 32 * 1024 * 1024) {
	// Every file sirv knows (so the lookup finds the same one); those without a body stay with sirv.
	const files = new Map<string, { body?: Buffer; headers?: Record<string, string | number> }>();
	let total = 0;
	for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const abs = path.join(entry.parentPath, entry.name);
		const name = path.relative(root, abs).split(path.sep).join('/');
		const dotted = /(^\.|[\\+|/]\.)/.test(name);
		if (dotted && !/\.well-known[\\+/]/.test(name)) continue;
		const key = `/${name.normalize()}`;
		const type = MEMORY_TYPES[path.extname(name).slice(1)];
		const stats: Stats = statSync(abs);
		if (dotted || !type || stats.size > maxFile || total + stats.size > maxTotal) {
			files.set(key, {});
			continue;
		}
		total += stats.size;
		files.set(key, {
			body: readFileSync(abs),
			headers: {
				'Content-Length': stats.size,
				'Content-Type': type,
				'Last-Modified': stats.mtime.toUTCString(),
				ETag: `W/"${stats.size}-${stats.mtime.getTime()}"`,
			},
		});
	}
	const find = (pathname: string) => {
		const base = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
		for (const ext of ['', '.html', '.htm']) {
			const hit = (base ? files.get(base + ext) : undefined) ?? files.get(`${base}/index${ext}`);
			if (hit) return hit;
		}
		return undefined;
	};
	return (req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void => {
		let pathname = pathWithoutQuery(req.url ?? '/');
		if (pathname.includes('%')) {
			try {
				pathname = decodeURI(pathname);
			} catch {
				// Malformed: looked up as it is, like sirv does.
			}
		}
		const file = req.headers.range ? undefined : find(pathname);
		if (!file?.body || !file.headers) {
			fallback(req, res, next);
			return;
		}
		if (req.headers['if-none-match'] === file.headers.ETag) {
			res.writeHead(304);
			res.end();
			return;
		}
		staticHeaders(res, pathname);
		res.writeHead(200, file.headers);
		res.end(file.body);
	};
}

/** The path part of a request target, cut as sirv's URL parser (@polka/url) cuts it. */
function pathWithoutQuery(raw: string): string {
	if (raw.length <= 1) return raw;
	const hash = raw.indexOf('#', 1);
	const beforeHash = hash === -1 ? raw : raw.slice(0, hash);
	const query = beforeHash.indexOf('?', 1);
	return query === -1 ? beforeHash : beforeHash.slice(0, query);
}

const serveStatic = memoryStatic(path.join(dist, 'client'), sirvStatic);

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The largest body any route accepts (the Astro adapter's own backstop is the same, astro.config.mjs). */
const MAX_DECLARED_BODY = 1024 * 1024;

const server = http.createServer((req, res) => {
	const started = process.hrtime.bigint();
	const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
	req.headers['x-request-id'] = requestId;
	for (const [name, value] of headers) res.setHeader(name, value);
	res.setHeader('X-Request-Id', requestId);
	res.on('finish', () => {
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		accessLog.info({ reqId: requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
	});
	// TRACE echoes requests (cross-site tracing) and CONNECT is for proxies: no route of ours answers either.
	if (!ALLOWED_METHODS.has(req.method ?? '')) {
		res.writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: [...ALLOWED_METHODS].join(', ') });
		res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: `${req.method} is not supported here.` } }));
		return;
	}
	// No handler reads more than a few kB (src/server/http/body.ts): refuse a declared giant body before reading any of it.
	if (Number(req.headers['content-length'] ?? 0) > MAX_DECLARED_BODY) {
		res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
		res.end(
			JSON.stringify({ error: { code: 'payload_too_large', message: `The request body is larger than ${MAX_DECLARED_BODY} bytes.` } }),
		);
		return;
	}
	const url = new URL(req.url ?? '/', 'http://local');
	const target =
		req.method === 'GET' || req.method === 'HEAD' ? learnRewrite(url.pathname, premiumIds, hasSessionCookie(req.headers.cookie)) : null;
	if (target) {
		req.url = target + url.search;
		return void handler(req, res);
	}
	// Static files answer GET and HEAD only; anything else goes to the app (405/404 in the API's error shape).
	const app = () => {
		if (!dispatchApi(req, res)) void handler(req, res);
	};
	if (req.method !== 'GET' && req.method !== 'HEAD') return app();
	serveStatic(req, res, app);
});
server.keepAliveTimeout = 65_000;

const { createApiDispatcher } = await import('../src/server/http/api-dispatch.ts');
const { operations } = await import('../src/server/operations/index.ts');
const dispatchApi = createApiDispatcher(operations);

// Open the database and run migrations (and the demo seed) before accepting requests.
const { getServices } = await import('../src/server/services.ts');
try {
	const services = await getServices();
	log.info({ database: services.handle.dialect }, 'database ready');
	// The search index is loaded before the first request rather than by it (a long course takes seconds).
	const { getSearcher } = await import('../src/server/operations/search.ts');
	const started = performance.now();
	await getSearcher(services.content).catch((error: unknown) => log.warn({ err: error }, 'search index not loaded at start'));
	log.info({ ms: Math.round(performance.now() - started) }, 'search index loaded');
} catch (error) {
	console.error(`Cannot start: ${(error as Error).message}`);
	process.exit(1);
}

server.listen(env.PORT, env.HOST, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : env.PORT;
	log.info({ port, host: env.HOST }, 'listening');
	console.log(`Course Companion is running at http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}`);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
	if (stopping) process.exit(1);
	stopping = true;
	log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
	server.closeIdleConnections();
	const closed = new Promise<void>((resolve) => server.close(() => resolve()));
	const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
	await Promise.race([closed, timeout]);
	const services = (globalThis as { __services?: Promise<{ handle: { close(): Promise<void> } }> }).__services;
	if (services) await (await services.catch(() => null))?.handle.close();
	log.info('stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
