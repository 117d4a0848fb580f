/**
 * `npm run serve`: the production server. Static files from dist/client (sirv), everything else
 * through Astro's handler; premium chapter and quiz pages go to their server-rendered versions.
 * JSON logs with a request id, security headers, graceful shutdown on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import sirv from 'sirv';
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
const log = pino({ level: env.LOG_LEVEL, base: { service: 'course-companion' } });

// The server owns shutdown: stop accepting, finish in-flight requests, then close the database.
(globalThis as { __ccManagedShutdown?: boolean }).__ccManagedShutdown = true;
const { handler } = (await import(pathToFileURL(entry).href)) as {
	handler: (req: http.IncomingMessage, res: http.ServerResponse, next?: (err?: unknown) => void, locals?: object) => Promise<void>;
};

const chaptersJson = JSON.parse(readFileSync(path.join(dist, 'client', 'api', 'v1', 'chapters.json'), 'utf8')) as {
	chapters: { id: string; tier: string }[];
};
const premiumIds = new Set(chaptersJson.chapters.filter((c) => c.tier !== 'free').map((c) => c.id));
const https = env.PUBLIC_ORIGIN.startsWith('https:');
const headers = securityHeaders({ https });

const serveStatic = sirv(path.join(dist, 'client'), {
	etag: true,
	dotfiles: false,
	setHeaders(res, pathname) {
		// Fingerprinted assets never change; pages and JSON revalidate so a publish shows at once.
		const immutable = pathname.startsWith('/_astro/') || /^\/pagefind\/.*\.(pf_fragment|pf_index|pf_meta|pagefind)$/.test(pathname);
		res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate');
		if (pathname.endsWith('.json')) res.setHeader('Access-Control-Allow-Origin', '*');
	},
});

const server = http.createServer((req, res) => {
	const started = process.hrtime.bigint();
	const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
	req.headers['x-request-id'] = requestId;
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.setHeader('X-Request-Id', requestId);
	res.on('finish', () => {
		const ms = Number(process.hrtime.bigint() - started) / 1e6;
		log.info({ reqId: requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
	});
	const url = new URL(req.url ?? '/', 'http://local');
	const target =
		req.method === 'GET' || req.method === 'HEAD' ? learnRewrite(url.pathname, premiumIds, hasSessionCookie(req.headers.cookie)) : null;
	if (target) {
		req.url = target + url.search;
		return void handler(req, res);
	}
	serveStatic(req, res, () => void handler(req, res));
});
server.keepAliveTimeout = 65_000;

// Open the database and run migrations (and the demo seed) before accepting requests.
const { getServices } = await import('../src/server/services.ts');
try {
	const services = await getServices();
	log.info({ database: services.handle.dialect }, 'database ready');
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
