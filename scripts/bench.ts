/**
 * `npm run bench`: the production server on the real PostgreSQL, 100 concurrent connections per
 * endpoint (autocannon), against a bare node:http server (its own process) serving the same static
 * JSON. Every dynamic endpoint runs twice: all connections as ONE learner (one session, one
 * rate-limit row, one learner's lock) and as MANY learners (premium accounts, tokens rotated per
 * request), because both are real and they hit different limits. Prints requests/s, p50/p95/p99
 * latency, the ratio to the baseline for static files, the server's and PostgreSQL's CPU time per
 * request (steadier than req/s on a shared machine), errors, the server's peak RSS and the load
 * average (the machine may be shared). Copy the table into docs/benchmarks.md.
 *
 * Env: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * a fresh database is created and dropped), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (100),
 * BENCH_LEARNERS (50), BENCH_DIST_DIR (dist), BENCH_ONLY (a regex on the row names),
 * BENCH_NODE_FLAGS (extra node flags for the server, e.g. --max-semi-space-size=8).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import type { PrivateManifest } from '../src/content/artifact.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 50);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const dist = path.resolve(process.env.BENCH_DIST_DIR ?? 'dist');
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'learn-with-chatgpt';

if (!existsSync(path.join(dist, 'server', 'entry.mjs'))) {
	if (process.env.BENCH_DIST_DIR) {
		console.error(`No build in ${dist}.`);
		process.exit(1);
	}
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

// Targets come from the built course, whatever it is: a free chapter, a premium quiz, a real section heading.
const manifest = JSON.parse(readFileSync(path.join(dist, 'private', 'manifest.json'), 'utf8')) as PrivateManifest;
const freeChapter = manifest.chapters.find((c) => c.tier === 'free') ?? manifest.chapters[0];
const benchQuiz = manifest.quizzes.find((q) => q.tier !== 'free') ?? manifest.quizzes[0];
if (!freeChapter || !benchQuiz) throw new Error('The built course needs at least one chapter and one quiz to benchmark.');
const searchQuery = freeChapter.headings.find((h) => h.depth === 2)?.text ?? freeChapter.title;
const staticPath = `/api/v1/chapters/${freeChapter.id}.json`;
const loadBefore = os.loadavg();

// The baseline: bare node:http serving the same bytes, in its own process like the real server.
const bareSource = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
	res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
const bare = spawn(process.execPath, ['-e', bareSource, path.join(dist, 'client', staticPath)], { stdio: ['ignore', 'pipe', 'inherit'] });
const barePort = await new Promise<number>((resolve) =>
	bare.stdout.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))?.[1]))),
);

const server = spawn(process.execPath, [...NODE_FLAGS, 'scripts/serve.ts'], {
	env: {
		...process.env,
		PORT: '0',
		HOST: '127.0.0.1',
		NODE_ENV: 'production',
		DIST_DIR: dist,
		PRIVATE_CONTENT_DIR: path.join(dist, 'private'),
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
	const onData = (d: Buffer) => {
		out += d;
		const m = /running at http:\/\/[^:]+:(\d+)/.exec(out);
		if (!m) return;
		// From here on the request logs are only drained: parsing them here would slow the load generator.
		server.stdout.off('data', onData);
		server.stdout.resume();
		resolve(Number(m[1]));
	};
	server.stdout.on('data', onData);
	server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const base = `http://127.0.0.1:${port}`;

async function json(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) {
	const res = await fetch(base + pathname, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const value = (await res.json()) as Record<string, unknown>;
	if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${JSON.stringify(value)}`);
	return value;
}

async function login(email: string): Promise<string> {
	return ((await json('POST', '/api/v1/auth/login', { email, password: PASSWORD, session: 'bearer' })) as { token: string }).token;
}

// One learner: the seeded premium account. Many learners: new accounts, made premium by the admin API.
const oneToken = await login('premium@demo.test');
const adminAuth = { authorization: `Bearer ${await login('admin@demo.test')}` };
const manyTokens: string[] = [];
for (let i = 0; i < LEARNERS; i++) {
	const made = (await json('POST', '/api/v1/auth/register', {
		email: `learner-${i}@bench.test`,
		password: PASSWORD,
		displayName: `Learner ${i}`,
		session: 'bearer',
	})) as { token: string; user: { id: string } };
	await json('POST', `/api/v1/admin/users/${made.user.id}/tier`, { tier: 'premium', reason: 'benchmark' }, adminAuth);
	manyTokens.push(made.token);
}

const key = JSON.parse(readFileSync(path.join(dist, 'private', 'quizzes', `${benchQuiz.id}.json`), 'utf8')) as {
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
	/** Bearer tokens: one for a single learner, several to rotate per request. */
	tokens?: string[];
}

interface Endpoint {
	name: string;
	path: string;
	method?: 'GET' | 'POST';
	body?: string;
}
const dynamic: Endpoint[] = [
	{ name: 'searchContent', path: `/api/v1/search?q=${encodeURIComponent(searchQuery.toLowerCase())}` },
	{ name: 'updateProgress', path: '/api/v1/me/progress', method: 'POST', body: JSON.stringify({ chapterId: freeChapter.id }) },
	{ name: 'recordCheckin', path: '/api/v1/me/streak/checkins', method: 'POST' },
	{ name: 'submitQuiz', path: `/api/v1/me/quizzes/${benchQuiz.id}/attempts`, method: 'POST', body: JSON.stringify({ answers }) },
	{ name: 'getStreak', path: '/api/v1/me/streak' },
	{ name: 'dashboard (server-rendered page)', path: '/dashboard' },
];
const targets: Target[] = [
	{ name: 'baseline: bare node:http, chapter JSON', kind: 'static', url: `http://127.0.0.1:${barePort}${staticPath}` },
	{ name: 'chapter page (static HTML)', kind: 'static', url: `${base}/chapters/${freeChapter.id}/` },
	{ name: 'chapter JSON (static)', kind: 'static', url: `${base}${staticPath}` },
	{ name: 'health (Astro pipeline, no database)', kind: 'dynamic', url: `${base}/api/health` },
	...dynamic.flatMap((e): Target[] =>
		[
			{ who: '1 learner', tokens: [oneToken] },
			{ who: `${LEARNERS} learners`, tokens: manyTokens },
		].map(({ who, tokens }) => ({
			name: `${e.name}, ${who}`,
			kind: 'dynamic',
			url: base + e.path,
			method: e.method,
			body: e.body,
			headers: { 'content-type': 'application/json' },
			tokens,
		})),
	),
	{
		name: 'login (argon2id by design)',
		kind: 'login',
		url: `${base}/api/v1/auth/login`,
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'free@demo.test', password: PASSWORD, session: 'bearer' }),
	},
];

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** CPU time of a process so far (utime + stime, /proc/<pid>/stat), in ms. */
function cpuMs(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
	} catch {
		return 0; // gone
	}
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

// PostgreSQL's CPU for this run's database only: the backends serving it (other work on the machine uses other databases).
const monitor = new pg.Client({ connectionString: baseUrl });
await monitor.connect();
async function databaseCpu(): Promise<Map<number, number>> {
	const { rows } = await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
	return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

interface Row {
	name: string;
	kind: string;
	rps: number;
	/** CPU per request, ms: the server process, and the PostgreSQL backends of the run's database. */
	serverCpu: number;
	dbCpu: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
	non2xx: number;
}

async function run(target: Target): Promise<Row> {
	const latencies: number[] = [];
	const tokens = target.tokens ?? [];
	let next = 0;
	const headers = { ...target.headers, ...(tokens.length > 0 ? { authorization: `Bearer ${tokens[0]}` } : {}) };
	const instance = autocannon({
		url: target.url,
		method: target.method ?? 'GET',
		headers,
		body: target.body,
		connections: CONNECTIONS,
		duration: SECONDS,
		// Many learners: each request carries the next learner's token.
		requests:
			tokens.length > 1
				? [
						{
							setupRequest: (req: autocannon.Request) => ({
								...req,
								headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
							}),
						},
					]
				: undefined,
	}) as unknown as autocannon.Instance;
	const serverBefore = cpuMs(server.pid as number);
	const dbBefore = await databaseCpu();
	instance.on('response', (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
	const result = await new Promise<autocannon.Result>((resolve, reject) => instance.once('done', resolve).once('error', reject));
	const served = Math.max(1, result.requests.total);
	const serverCpu = (cpuMs(server.pid as number) - serverBefore) / served;
	let dbCpu = 0;
	for (const [pid, after] of await databaseCpu()) dbCpu += after - (dbBefore.get(pid) ?? 0);
	latencies.sort((a, b) => a - b);
	return {
		name: target.name,
		kind: target.kind,
		rps: result.requests.average,
		serverCpu: target.kind === 'static' && target.url.includes(`:${barePort}`) ? Number.NaN : serverCpu,
		dbCpu: target.kind === 'static' ? Number.NaN : dbCpu / served,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	};
}

function memoryMb(pid: number): { peak: number; anon: number; file: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
	return { peak: mb('VmHWM'), anon: mb('RssAnon'), file: mb('RssFile') };
}

const rows: Row[] = [];
for (const target of targets) {
	if (ONLY && !ONLY.test(target.name) && !target.name.startsWith('baseline')) continue;
	process.stderr.write(`… ${target.name}\n`);
	rows.push(await run(target));
}
const memory = memoryMb(server.pid as number);
const loadAfter = os.loadavg();
const baseline = rows[0] as Row;

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const cpu = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '');
const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
const lines = [
	`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
	`${CONNECTIONS} connections, ${SECONDS} s per endpoint, server on PostgreSQL (${dbUrl.host}), JSON request logs on, ${LEARNERS} premium learners for the "learners" rows.`,
	`Load average (1/5/15 min) before: ${load(loadBefore)}, after: ${load(loadAfter)}${NODE_FLAGS.length ? `; server flags: ${NODE_FLAGS.join(' ')}` : ''}.`,
	'',
	'| endpoint | req/s | p50 ms | p95 ms | p99 ms | vs bare node:http | server CPU ms/req | PostgreSQL CPU ms/req | errors | non-2xx |',
	'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	...rows.map(
		(r) =>
			`| ${r.name} | ${Math.round(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.kind === 'static' ? `${Math.round((100 * r.rps) / baseline.rps)}%` : ''} | ${cpu(r.serverCpu)} | ${cpu(r.dbCpu)} | ${r.errors} | ${r.non2xx} |`,
	),
	'',
	`Server peak RSS (VmHWM): ${memory.peak} MB; at the end ${memory.anon} MB anonymous + ${memory.file} MB file-backed (the node binary and its ICU data).`,
];
console.log(lines.join('\n'));

// Requests that autocannon gave up on at the end may still be running (argon2): let them finish.
await new Promise((resolve) => setTimeout(resolve, 2000));
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
bare.kill();
await monitor.end();
const cleanup = new pg.Client({ connectionString: baseUrl });
await cleanup.connect();
await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await cleanup.end();
