/**
 * `npm run bench`: the production server on the real PostgreSQL, 100 concurrent connections per
 * endpoint (autocannon), against a bare node:http server serving the same static JSON in the same
 * run. Prints requests/s and p50/p95/p99 latency per endpoint, the ratio to the baseline for
 * static files, and the server's peak RSS. Copy the table into docs/benchmarks.md.
 *
 * Env: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * a fresh database is created and dropped), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (100).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

if (!existsSync('dist/server/entry.mjs')) {
	console.log('No build: running astro build…');
	const built = spawnSync('npx', ['astro', 'build'], { stdio: 'inherit' });
	if (built.status !== 0) process.exit(1);
}

// A fresh database for the run.
const dbName = `cc_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: baseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const dbUrl = new URL(baseUrl);
dbUrl.pathname = `/${dbName}`;

const staticPath = '/api/v1/chapters/tool-use.json';

// The baseline: bare node:http serving the same bytes, in its own process like the real server.
const bareSource = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
	res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
const bare = spawn(process.execPath, ['-e', bareSource, path.join('dist/client', staticPath)], { stdio: ['ignore', 'pipe', 'inherit'] });
const barePort = await new Promise<number>((resolve) =>
	bare.stdout.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))?.[1]))),
);

const server = spawn(process.execPath, ['scripts/serve.ts'], {
	env: {
		...process.env,
		PORT: '0',
		HOST: '127.0.0.1',
		NODE_ENV: 'production',
		DATABASE_URL: dbUrl.toString(),
		SEED_DEMO: 'true',
		LOG_LEVEL: 'info',
		RATE_LIMIT_PER_MINUTE: '100000000',
		AUTH_RATE_LIMIT_PER_15_MINUTES: '100000000',
	},
	stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
	let out = '';
	server.stdout.on('data', (d) => {
		out += d;
		const m = /running at http:\/\/[^:]+:(\d+)/.exec(out);
		if (m) resolve(Number(m[1]));
		if (out.length > 1e6) out = out.slice(-1000);
	});
	server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
server.stdout.resume();
const base = `http://127.0.0.1:${port}`;

async function json(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
	const res = await fetch(base + pathname, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await res.json()) as Record<string, unknown>;
}

const { token } = (await json('POST', '/api/v1/auth/login', {
	email: 'premium@demo.test',
	password: 'learn-with-chatgpt',
	session: 'bearer',
})) as { token: string };
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const key = JSON.parse(readFileSync('dist/private/quizzes/agent-skills.json', 'utf8')) as {
	questions: { id: string; correct: string[] }[];
};
const answers = Object.fromEntries(key.questions.map((q) => [q.id, q.correct]));

interface Target {
	name: string;
	kind: 'static' | 'dynamic' | 'login';
	url: string;
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string;
}
const targets: Target[] = [
	{ name: 'baseline: bare node:http, chapter JSON', kind: 'static', url: `http://127.0.0.1:${barePort}${staticPath}` },
	{ name: 'chapter page (static HTML)', kind: 'static', url: `${base}/chapters/tool-use/` },
	{ name: 'chapter JSON (static)', kind: 'static', url: `${base}${staticPath}` },
	{
		name: 'searchContent',
		kind: 'dynamic',
		url: `${base}/api/v1/search?q=${encodeURIComponent('how does the model call a tool')}`,
		headers: auth,
	},
	{
		name: 'submitQuiz',
		kind: 'dynamic',
		url: `${base}/api/v1/me/quizzes/agent-skills/attempts`,
		method: 'POST',
		headers: auth,
		body: JSON.stringify({ answers }),
	},
	{
		name: 'updateProgress',
		kind: 'dynamic',
		url: `${base}/api/v1/me/progress`,
		method: 'POST',
		headers: auth,
		body: JSON.stringify({ chapterId: 'tool-use' }),
	},
	{ name: 'recordCheckin', kind: 'dynamic', url: `${base}/api/v1/me/streak/checkins`, method: 'POST', headers: auth },
	{
		name: 'login (argon2id by design)',
		kind: 'login',
		url: `${base}/api/v1/auth/login`,
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'free@demo.test', password: 'learn-with-chatgpt', session: 'bearer' }),
	},
];

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Row {
	name: string;
	kind: string;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
	non2xx: number;
}

async function run(target: Target): Promise<Row> {
	const latencies: number[] = [];
	const instance = autocannon({
		url: target.url,
		method: target.method ?? 'GET',
		headers: target.headers,
		body: target.body,
		connections: CONNECTIONS,
		duration: SECONDS,
	}) as unknown as autocannon.Instance;
	instance.on('response', (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
	const result = await new Promise<autocannon.Result>((resolve, reject) => instance.once('done', resolve).once('error', reject));
	latencies.sort((a, b) => a - b);
	return {
		name: target.name,
		kind: target.kind,
		rps: result.requests.average,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	};
}

function peakRssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return Math.round(kb / 1024);
}

const rows: Row[] = [];
for (const target of targets) {
	process.stderr.write(`… ${target.name}\n`);
	rows.push(await run(target));
}
const rss = peakRssMb(server.pid as number);
const baseline = rows[0] as Row;

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const lines = [
	`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
	`${CONNECTIONS} connections, ${SECONDS} s per endpoint, server on PostgreSQL (${dbUrl.host}), JSON request logs on.`,
	'',
	'| endpoint | req/s | p50 ms | p95 ms | p99 ms | vs bare node:http | errors | non-2xx |',
	'|---|---:|---:|---:|---:|---:|---:|---:|',
	...rows.map(
		(r) =>
			`| ${r.name} | ${Math.round(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.kind === 'static' ? `${Math.round((100 * r.rps) / baseline.rps)}%` : ''} | ${r.errors} | ${r.non2xx} |`,
	),
	'',
	`Server peak RSS (VmHWM): ${rss} MB`,
];
console.log(lines.join('\n'));

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
bare.kill();
const cleanup = new pg.Client({ connectionString: baseUrl });
await cleanup.connect();
await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await cleanup.end();
