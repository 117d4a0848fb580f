/**
 * `npm run serve`: the production server. Static files from dist/client (src/server/http/public-files.ts: small ones from memory,
 * the rest with sirv), the API's operations straight from node:http (src/server/http/api-dispatch.ts),
 * everything else through Astro's handler; premium chapter and quiz pages go to their server-rendered versions.
 * JSON logs with a request id, security headers, graceful shutdown on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasSessionCookie, learnRewrite } from '../src/server/premium-routes.ts';
import { publicFiles } from '../src/server/http/public-files.ts';
import { targetUrl, urlPathname } from '../src/server/http/request-target.ts';
import { securityHeaders } from '../src/server/security-headers.ts';
import { distDir } from '../src/publish/server-bundle.mjs';

process.env.NODE_ENV ??= 'production';
const dist = distDir();
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
const SECURITY_HEADERS = Object.entries(securityHeaders({ https }));

/** The headers every answer carries that is not a file from memory (those have them in their own list). */
function setCommonHeaders(res: http.ServerResponse, requestId: string): void {
	for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
	res.setHeader('X-Request-Id', requestId);
}

const files = publicFiles(path.join(dist, 'client'), SECURITY_HEADERS);

const ALLOWED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The largest body any route accepts (the Astro adapter's own backstop is the same, astro.config.mjs). */
const MAX_DECLARED_BODY = 1024 * 1024;
const declaresTooLargeBody = (req: http.IncomingMessage) => Number(req.headers['content-length'] ?? 0) > MAX_DECLARED_BODY;

function logRequest(req: http.IncomingMessage, status: number, requestId: string, started: number): void {
	const ms = performance.now() - started;
	accessLog({ reqId: requestId, method: req.method ?? '', url: req.url ?? '', status, ms: Math.round(ms * 10) / 10 });
}

const { createIdleCollector, exposedGc, IDLE_COLLECTION_MESSAGE, idleTickMs, MIN_GROWTH_BYTES } = await import(
	'../src/server/idle-memory.ts'
);
const { HEALTH_PROBE_PATHS, normalPath } = await import('../src/server/http/admission.ts');
const gc = exposedGc();
const idleCollector =
	gc && env.IDLE_MEMORY_RELEASE_SECONDS > 0
		? createIdleCollector({
				gc,
				rss: process.memoryUsage.rss,
				now: () => performance.now(),
				idleMs: env.IDLE_MEMORY_RELEASE_SECONDS * 1000,
				minGrowthBytes: MIN_GROWTH_BYTES,
				onCollected: ({ rssBefore, rssAfter, ms }) =>
					log.info(
						{ rssBeforeMb: Math.round(rssBefore / 2 ** 20), rssAfterMb: Math.round(rssAfter / 2 ** 20), ms: Math.round(ms) },
						IDLE_COLLECTION_MESSAGE,
					),
			})
		: null;
if (!gc && env.IDLE_MEMORY_RELEASE_SECONDS > 0) log.info('node was started without --expose-gc: the heap is not given back when idle');
/** A request is activity from its arrival to the end of its response; a load balancer's health probes are not. */
const noteActivity = () => idleCollector?.noteRequest();
function trackActivity(req: http.IncomingMessage, res: http.ServerResponse): void {
	if (HEALTH_PROBE_PATHS.has(normalPath(urlPathname(req.url ?? '/')))) return;
	noteActivity();
	res.once('close', noteActivity);
}

const server = http.createServer((req, res) => {
	const started = performance.now();
	if (idleCollector) trackActivity(req, res);
	const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
	req.headers['x-request-id'] = requestId;
	const isRead = req.method === 'GET' || req.method === 'HEAD';
	const rewrite = isRead ? learnRewrite(urlPathname(req.url ?? '/'), premiumIds, hasSessionCookie(req.headers.cookie)) : null;
	// A file from memory is answered synchronously and logged at once; everything else is logged when it finishes.
	const file = isRead && !rewrite && !declaresTooLargeBody(req) ? files.fromMemory(req, res, requestId) : 'none';
	if (file === 'answered') return logRequest(req, res.statusCode, requestId, started);
	setCommonHeaders(res, requestId);
	res.on('finish', () => logRequest(req, res.statusCode, requestId, started));
	// TRACE echoes requests (cross-site tracing) and CONNECT is for proxies: no route of ours answers either.
	if (!ALLOWED_METHODS.has(req.method ?? '')) {
		res.writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: [...ALLOWED_METHODS].join(', ') });
		res.end(JSON.stringify({ error: { code: 'method_not_allowed', message: `${req.method} is not supported here.` } }));
		return;
	}
	// No handler reads more than a few kB (src/server/http/body.ts): refuse a declared giant body before reading any of it.
	if (declaresTooLargeBody(req)) {
		res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
		res.end(
			JSON.stringify({ error: { code: 'payload_too_large', message: `The request body is larger than ${MAX_DECLARED_BODY} bytes.` } }),
		);
		return;
	}
	if (rewrite) {
		req.url = rewrite + (targetUrl(req.url ?? '/')?.search ?? '');
		return void handler(req, res);
	}
	// Static files answer GET and HEAD only; anything else goes to the app (405/404 in the API's error shape).
	const app = () => {
		if (!dispatchApi(req, res)) void handler(req, res);
	};
	if (file === 'on disk') return files.fromDisk(req, res, app);
	app();
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

if (idleCollector) setInterval(() => idleCollector.tick(), idleTickMs(env.IDLE_MEMORY_RELEASE_SECONDS * 1000)).unref();

server.listen(env.PORT, env.HOST, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : env.PORT;
	log.info({ port, host: env.HOST }, 'listening');
	// Idle from now on, not from when the process started: a long start must not end in a collection as traffic arrives.
	noteActivity();
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
