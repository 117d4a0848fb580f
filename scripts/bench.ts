/**
 * `npm run bench`: the production server on the real PostgreSQL, side by side with its peers, in one run
 * (docs/benchmarks.md, issue 13):
 * - every dynamic learner endpoint against the FastAPI + asyncpg + uvicorn twin (bench/twin/app.py,
 *   Debian's packages, started with 1 and with 2 uvicorn workers), which issues the same SQL in the same
 *   order on the same database and returns the same bodies;
 * - the static chapter JSON against bare node:http serving the same bytes.
 * Rounds are interleaved (ours, twin 1 worker, twin 2 workers, ours, …) at each connection count, with
 * the same learners' bearer tokens rotated per request, so a busy neighbour on the shared machine hurts
 * every server alike. Prints req/s, p95, the ratios, server and PostgreSQL CPU per request, errors, each
 * server's idle and peak RSS (its whole process tree, sampled from /proc) and the load average.
 *
 * Env: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
 * a fresh database is created and dropped), BENCH_SECONDS per round (default 4), BENCH_ROUNDS (2),
 * BENCH_CONNECTIONS (comma-separated, default 10,100), BENCH_LEARNERS (50), BENCH_WARMUP (requests per
 * server and endpoint before the first round, default 1000, or BENCH_WARMUP_SECONDS, default 5, if sooner), BENCH_ONLY (a regex on
 * endpoint names), BENCH_TWIN=false (no twin, e.g. without the Debian packages), BENCH_TWIN_CACHE=false (no third twin
 * keeping sessions in memory as ours does), BENCH_DIST_DIR (dist),
 * BENCH_NODE_FLAGS (node flags for our server, after those of package.json's serve script), BENCH_VARIANT / BENCH_VARIANT_FLAGS (a second copy
 * of our server with these KEY=VALUE variables / node flags, measured in the same rounds: an A/B of a
 * setting, e.g. BENCH_VARIANT='LOG_LEVEL=warn'), BENCH_WRITE_DOCS=true (replace the generated
 * section of docs/benchmarks.md with this run's tables).
 * A short run: BENCH_SECONDS=2 BENCH_ROUNDS=1 BENCH_CONNECTIONS=100 BENCH_ONLY=checkin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import type { PrivateManifest } from '../src/content/artifact.ts';
import { cpuMs, rssMb, tree } from './proc-stats.ts';
import { serverBundleEntry } from '../src/publish/server-bundle.mjs';
import { astroBuildArgs, SERVER_LAUNCHER, serverNodeFlags } from './node-flags.ts';
import { DEFAULT_IDLE_SECONDS, IDLE_COLLECTION_MESSAGE, idleCollectionDueMs } from '../src/server/idle-memory.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map(Number);
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-fastapi, python3-uvicorn, python3-asyncpg
const dist = path.resolve(process.env.BENCH_DIST_DIR ?? 'dist');
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'learn-with-chatgpt';

const twinCheck = spawnSync(
	PYTHON,
	['-c', 'import fastapi, uvicorn, asyncpg; print(fastapi.__version__, uvicorn.__version__, asyncpg.__version__)'],
	{
		encoding: 'utf8',
	},
);
const TWIN = process.env.BENCH_TWIN !== 'false' && twinCheck.status === 0;
/** Also a 1-worker twin that keeps sessions as our server does (BENCH_TWIN_CACHE=false leaves it out). */
const TWIN_CACHE = process.env.BENCH_TWIN_CACHE !== 'false';
if (process.env.BENCH_TWIN !== 'false' && !TWIN) {
	console.error(
		"No twin: Debian's FastAPI stack is missing (apt-get install -y python3-fastapi python3-uvicorn python3-asyncpg); running without it. BENCH_TWIN=false silences this.",
	);
}
const twinVersions = TWIN ? twinCheck.stdout.trim().split(' ') : [];
const uvloop = TWIN && spawnSync(PYTHON, ['-c', 'import uvloop'], { stdio: 'ignore' }).status === 0;

if (!existsSync(path.join(dist, 'server', 'entry.mjs')) || !existsSync(serverBundleEntry(dist))) {
	if (process.env.BENCH_DIST_DIR) {
		console.error(`No build in ${dist}.`);
		process.exit(1);
	}
	console.log('No build: running astro build…');
	const built = spawnSync(process.execPath, astroBuildArgs(), { stdio: 'inherit' });
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
const uptimeBefore = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

const children: ChildProcess[] = [];
function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): ChildProcess {
	const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	children.push(child);
	return child;
}
/** Resolves with the first capture of `pattern` in the child's output, then only drains it. */
function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let out = '';
		const onData = (d: Buffer) => {
			out += d;
			const m = pattern.exec(out);
			if (!m) return;
			child.stdout?.off('data', onData);
			child.stderr?.off('data', onData);
			child.stdout?.resume();
			child.stderr?.resume();
			resolve(m[1] ?? '');
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
	});
}
async function freePort(): Promise<number> {
	const probe = net.createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as net.AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return port;
}

// The static baseline: bare node:http serving the same bytes, in its own process like the real server.
const bareSource = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.argv[1]);
const server = http.createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
	res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));`;
const bare = start(process.execPath, ['-e', bareSource, path.join(dist, 'client', staticPath)]);
const barePort = Number(await waitFor(bare, /port (\d+)/, 'bare node:http'));

/** Our server's memory-reducing collections when idle (decision 0037), counted from its log lines. */
function countIdleCollections(child: ChildProcess): { count: number } {
	const counter = { count: 0 };
	let carry = '';
	child.stdout?.on('data', (d: Buffer) => {
		const lines = (carry + d).split('\n');
		carry = lines.pop() ?? '';
		for (const line of lines) if (line.includes(`"msg":"${IDLE_COLLECTION_MESSAGE}"`)) counter.count++;
	});
	return counter;
}

function startOurs(flags: string[], env: NodeJS.ProcessEnv): ChildProcess {
	return start(process.execPath, [...serverNodeFlags(), ...flags, SERVER_LAUNCHER], {
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
		// The shipped default, whatever the caller's environment says: the idle waits below are sized to it.
		IDLE_MEMORY_RELEASE_SECONDS: String(DEFAULT_IDLE_SECONDS),
		...env,
	});
}
const server = startOurs(NODE_FLAGS, {});
const idleCollections = countIdleCollections(server);
const port = Number(await waitFor(server, /running at http:\/\/[^:]+:(\d+)/, 'our server'));
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

// The learners: new accounts, made premium by the admin API; every server serves the same sessions.
const adminAuth = { authorization: `Bearer ${await login('admin@demo.test')}` };
const tokens: string[] = [];
for (let i = 0; i < LEARNERS; i++) {
	const made = (await json('POST', '/api/v1/auth/register', {
		email: `learner-${i}@bench.test`,
		password: PASSWORD,
		displayName: `Learner ${i}`,
		session: 'bearer',
	})) as { token: string; user: { id: string } };
	await json('POST', `/api/v1/admin/users/${made.user.id}/tier`, { tier: 'premium', reason: 'benchmark' }, adminAuth);
	tokens.push(made.token);
}
const searchPath = `/api/v1/search?q=${encodeURIComponent(searchQuery.toLowerCase())}`;

// A variant of our server, measured in the same rounds (an A/B of a setting or of another build).
const VARIANT_ENV = Object.fromEntries(
	(process.env.BENCH_VARIANT ?? '')
		.split(/\s+/)
		.filter(Boolean)
		.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const VARIANT_FLAGS = (process.env.BENCH_VARIANT_FLAGS ?? '').split(/\s+/).filter(Boolean);
const variantName = [...Object.entries(VARIANT_ENV).map(([k, v]) => `${k}=${v}`), ...VARIANT_FLAGS].join(' ');
const variant = variantName ? startOurs(VARIANT_FLAGS, VARIANT_ENV) : null;
const variantBase = variant ? `http://127.0.0.1:${await waitFor(variant, /running at http:\/\/[^:]+:(\d+)/, 'our variant')}` : '';

// The twin, with 1 and with 2 uvicorn workers, on the same database.
const twins: { name: string; child: ChildProcess; base: string; sessionCache: boolean }[] = [];
if (TWIN) {
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'cc-bench-'));
	const searchBody = path.join(tmp, 'search.json');
	const res = await fetch(base + searchPath, { headers: { authorization: `Bearer ${tokens[0]}` } });
	writeFileSync(searchBody, Buffer.from(await res.arrayBuffer()));
	// The third: 1 worker with our session cache (TWIN_SESSION_CACHE), so that one row compares the same statements again.
	for (const [workers, sessionCache] of TWIN_CACHE
		? ([
				[1, false],
				[2, false],
				[1, true],
			] as const)
		: ([
				[1, false],
				[2, false],
			] as const)) {
		const twinPort = await freePort();
		const args = ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(twinPort), '--workers', String(workers)];
		const child = start(
			PYTHON,
			[...args, '--log-level', 'info', '--no-access-log', '--loop', uvloop ? 'uvloop' : 'asyncio'],
			{
				TWIN_DATABASE_URL: dbUrl.toString(),
				TWIN_DIST_DIR: dist,
				TWIN_SEARCH_BODY: searchBody,
				TWIN_SESSION_CACHE: String(sessionCache),
				PYTHONDONTWRITEBYTECODE: '1',
			},
			path.resolve('bench/twin'),
		);
		await waitFor(child, /(Application startup complete)/, `twin (${workers} worker${workers > 1 ? 's' : ''})`);
		// With 2 workers, "startup complete" is printed per worker: wait until both answer.
		if (workers > 1) await new Promise((resolve) => setTimeout(resolve, 1500));
		const name = `twin, ${workers} worker${workers > 1 ? 's' : ''}${sessionCache ? ', session cache' : ''}`;
		twins.push({ name, child, base: `http://127.0.0.1:${twinPort}`, sessionCache });
	}
}

const key = JSON.parse(readFileSync(path.join(dist, 'private', 'quizzes', `${benchQuiz.id}.json`), 'utf8')) as {
	questions: { id: string; correct: string[] }[];
};
const answers = Object.fromEntries(key.questions.map((q) => [q.id, q.correct]));

interface Endpoint {
	name: string;
	path: string;
	method?: 'GET' | 'POST';
	body?: string;
	/** What the twin does instead of the same work, when it does not. */
	standIn?: string;
	/** No bearer token. */
	anonymous?: boolean;
}
const endpoints: Endpoint[] = [
	{ name: 'recordCheckin', path: '/api/v1/me/streak/checkins', method: 'POST' },
	{ name: 'updateProgress', path: '/api/v1/me/progress', method: 'POST', body: JSON.stringify({ chapterId: freeChapter.id }) },
	{ name: 'submitQuiz', path: `/api/v1/me/quizzes/${benchQuiz.id}/attempts`, method: 'POST', body: JSON.stringify({ answers }) },
	{ name: 'getStreak', path: '/api/v1/me/streak' },
	{ name: 'dashboard', path: '/dashboard', standIn: 'same statements and views, answered as JSON, not a rendered page' },
	{ name: 'searchContent', path: searchPath, standIn: 'session lookup, then a stored body: no search computed' },
];
const dynamic = endpoints.filter((e) => !ONLY || ONLY.test(e.name));

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Peer {
	name: string;
	/** `twin-cached`: the twin with our session cache, beside the targets (which are against the seed's twin). */
	kind: 'ours' | 'variant' | 'twin' | 'twin-cached' | 'bare';
	base: string;
	pids: number[];
	idleMb: number;
	peakMb: number;
	/** After the run, once no request came for IDLE_WAIT_MS. */
	afterMb: number;
}
const peers: Peer[] = [
	{ name: 'ours', kind: 'ours', base, pids: tree(server.pid as number), idleMb: 0, peakMb: 0, afterMb: 0 },
	...(variant
		? [
				{
					name: `ours, ${variantName}`,
					kind: 'variant',
					base: variantBase,
					pids: tree(variant.pid as number),
					idleMb: 0,
					peakMb: 0,
					afterMb: 0,
				} as Peer,
			]
		: []),
	...twins.map(
		(t): Peer => ({
			name: t.name,
			kind: t.sessionCache ? 'twin-cached' : 'twin',
			base: t.base,
			pids: tree(t.child.pid as number),
			idleMb: 0,
			peakMb: 0,
			afterMb: 0,
		}),
	),
	{
		name: 'bare node:http',
		kind: 'bare',
		base: `http://127.0.0.1:${barePort}`,
		pids: [bare.pid as number],
		idleMb: 0,
		peakMb: 0,
		afterMb: 0,
	},
];
/** Idle means idle: longer without a request than our server waits before giving its spare heap back. */
const IDLE_WAIT_MS = idleCollectionDueMs(DEFAULT_IDLE_SECONDS);
await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
for (const p of peers) p.idleMb = p.peakMb = rssMb(p.pids);
const collectionsBeforeRun = idleCollections.count;
const sampler = setInterval(() => {
	for (const p of peers) p.peakMb = Math.max(p.peakMb, rssMb(p.pids));
}, 200);

// PostgreSQL's CPU for this run's database only: the backends serving it.
const monitor = new pg.Client({ connectionString: baseUrl });
await monitor.connect();
/** CPU ms per backend: a round counts each backend's growth, so one that exits mid-round (another server's pool) subtracts nothing. */
async function databaseCpu(): Promise<Map<number, number>> {
	const { rows } = await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
		dbName,
	]);
	return new Map(rows.map((r) => [r.pid, cpuMs([r.pid])]));
}
function databaseCpuSince(before: Map<number, number>, after: Map<number, number>): number {
	let total = 0;
	for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
	return total;
}

interface Sample {
	/** Fewer responses than connections: latency exceeded the round, so its req/s and p95 say little. */
	starved: boolean;
	rps: number;
	p95: number;
	serverCpu: number;
	dbCpu: number;
	errors: number;
	non2xx: number;
}

async function load(peer: Peer, e: Endpoint | null, connections: number, seconds: number, amount?: number): Promise<Sample> {
	const latencies: number[] = [];
	let next = 0;
	const instance = autocannon({
		url: peer.base + (e ? e.path : staticPath),
		method: e?.method ?? 'GET',
		headers: e && !e.anonymous ? { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` } : {},
		body: e?.body,
		connections,
		duration: seconds,
		...(amount ? { maxOverallRequests: amount } : {}),
		requests:
			e && !e.anonymous
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
	const serverBefore = cpuMs(peer.pids);
	const dbBefore = await databaseCpu();
	instance.on('response', (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
	const result = await new Promise<autocannon.Result>((resolve, reject) => instance.once('done', resolve).once('error', reject));
	const served = Math.max(1, result.requests.total);
	const dbCpu = databaseCpuSince(dbBefore, await databaseCpu());
	latencies.sort((a, b) => a - b);
	return {
		starved: result.requests.total < connections,
		rps: result.requests.total / seconds,
		p95: percentile(latencies, 95),
		serverCpu: (cpuMs(peer.pids) - serverBefore) / served,
		dbCpu: dbCpu / served,
		errors: result.errors + result.timeouts,
		non2xx: result.non2xx,
	};
}

interface Row {
	endpoint: string;
	connections: number;
	peer: Peer;
	samples: Sample[];
}
const rows: Row[] = [];
const total = (dynamic.length * (peers.length - 1) + 3) * CONNECTIONS.length * ROUNDS * SECONDS;
process.stderr.write(`bench: about ${Math.round(total / 60)} min of load (${ROUNDS} rounds × ${SECONDS} s)\n`);

async function measure(endpoint: string, e: Endpoint | null, group: Peer[]): Promise<void> {
	// Warm-up, not recorded: WARMUP requests (V8 optimises our code only after many calls), at most WARMUP_SECONDS.
	for (const p of group) await load(p, e, 10, WARMUP_SECONDS, WARMUP);
	for (const connections of CONNECTIONS) {
		const mine = group.map((peer): Row => ({ endpoint, connections, peer, samples: [] }));
		rows.push(...mine);
		for (let round = 0; round < ROUNDS; round++) {
			for (const row of mine) {
				process.stderr.write(`… ${endpoint}, ${connections} connections, ${row.peer.name}, round ${round + 1}\n`);
				row.samples.push(await load(row.peer, e, connections, SECONDS));
			}
		}
	}
}

const [ours, ...others] = peers as [Peer, ...Peer[]];
const twinPeers = others.filter((p) => p.kind === 'twin' || p.kind === 'twin-cached' || p.kind === 'variant');
const barePeer = others.find((p) => p.kind === 'bare') as Peer;
if (!ONLY || ONLY.test('static'))
	await measure('chapter JSON (static)', null, [ours, ...others.filter((p) => p.kind === 'variant'), barePeer]);
// Our floor: the Astro pipeline with no database and no session (middleware, Request/Response, logging).
if (!ONLY || ONLY.test('health'))
	await measure('health (no database, ours only)', { name: 'health', path: '/api/health', anonymous: true }, [
		ours,
		...others.filter((p) => p.kind === 'variant'),
	]);
for (const e of dynamic) await measure(e.name, e, [ours, ...twinPeers]);
clearInterval(sampler);
const loadAfter = os.loadavg();
const collectionsDuringRun = idleCollections.count - collectionsBeforeRun;
await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
for (const p of peers) p.afterMb = rssMb(p.pids);
const uptimeAfter = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

// Report.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const agg = (r: Row) => ({
	rps: mean(r.samples.map((s) => s.rps)),
	p95: mean(r.samples.map((s) => s.p95)),
	serverCpu: mean(r.samples.map((s) => s.serverCpu)),
	dbCpu: mean(r.samples.map((s) => s.dbCpu)),
	errors: r.samples.reduce((a, s) => a + s.errors + s.non2xx, 0),
	range: r.samples.map((s) => `${Math.round(s.rps)}${s.starved ? '⚠' : ''}`).join(', '),
});
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : '—');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

const lines = [
	`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z.`,
	`PostgreSQL on ${dbUrl.host}; our server: \`npm run serve\` (JSON request logs on${NODE_FLAGS.length ? `, flags ${NODE_FLAGS.join(' ')}` : ''}); ` +
		(TWIN
			? `twin: FastAPI ${twinVersions[0]}, uvicorn ${twinVersions[1]} (${uvloop ? 'uvloop' : 'asyncio'} loop), asyncpg ${twinVersions[2]}, Python from Debian, pool of 10 per worker, no access log.`
			: 'no twin in this run.'),
	`${LEARNERS} premium learners, bearer tokens rotated per request; ${ROUNDS} interleaved round(s) of ${SECONDS} s per server and connection count, after a warm-up of ${WARMUP} requests or ${WARMUP_SECONDS} s, whichever ends first; autocannon in the bench process on the same cores.`,
	`Load average (1/5/15 min) before: ${loadText(loadBefore)}, after: ${loadText(loadAfter)}.`,
	`\`uptime\` before: ${uptimeBefore}; after: ${uptimeAfter}.`,
	'',
	'| endpoint | conns | server | req/s (mean; rounds) | p95 ms | server CPU ms/req | PostgreSQL CPU ms/req | errors + non-2xx |',
	'|---|---:|---|---:|---:|---:|---:|---:|',
	...rows.map((r) => {
		const a = agg(r);
		return `| ${r.endpoint} | ${r.connections} | ${r.peer.name} | ${Math.round(a.rps)} (${a.range}) | ${f1(a.p95)} | ${f3(a.serverCpu)} | ${r.endpoint.includes('static') ? '' : f3(a.dbCpu)} | ${a.errors} |`;
	}),
	'',
	'⚠: a round with fewer responses than connections (latency longer than the round): too slow a machine for that row to mean much.',
	'',
	"Ratios (ours ÷ peer, mean req/s) and the targets (dynamic: ≥ 1.5× either twin and p95 ≤ the twin's; static: ≥ 75 % of bare node:http):",
	'',
	'| endpoint | conns | vs peer | req/s ratio | p95 ours / peer ms | target |',
	'|---|---:|---|---:|---:|---|',
];
for (const connections of CONNECTIONS) {
	for (const endpoint of [...new Set(rows.map((r) => r.endpoint))]) {
		const group = rows.filter((r) => r.endpoint === endpoint && r.connections === connections);
		const mine = group.find((r) => r.peer.kind === 'ours');
		if (!mine) continue;
		const m = agg(mine);
		const e = dynamic.find((d) => d.name === endpoint);
		for (const other of group.filter((r) => r !== mine)) {
			const o = agg(other);
			const met = other.peer.kind === 'bare' ? m.rps >= 0.75 * o.rps : m.rps >= 1.5 * o.rps && m.p95 <= o.p95;
			const verdict =
				other.peer.kind === 'variant' ? '—' : other.peer.kind === 'twin-cached' ? '— (same statements as ours)' : met ? 'met' : 'missed';
			const note = e?.standIn ? ` (twin is a stand-in: ${e.standIn})` : '';
			lines.push(
				`| ${endpoint} | ${connections} | ${other.peer.name} | ${other.peer.kind === 'bare' ? `${Math.round((100 * m.rps) / o.rps)} %` : ratio(m.rps, o.rps)} | ${f1(m.p95)} / ${f1(o.p95)} | ${verdict}${other.peer.kind.startsWith('twin') ? note : ''} |`,
			);
		}
	}
}
lines.push(
	'',
	`| server | idle RSS MB (after start-up and sign-ups, then ${IDLE_WAIT_MS / 1000} s without requests) | peak RSS MB (during the run) | idle RSS MB after the run (${IDLE_WAIT_MS / 1000} s without requests) |`,
	'|---|---:|---:|---:|',
	...peers.map((p) => `| ${p.name} | ${Math.round(p.idleMb)} | ${Math.round(p.peakMb)} | ${Math.round(p.afterMb)} |`),
	'',
	'RSS is VmRSS summed over the process tree, sampled every 200 ms (uvicorn with 2 workers: the supervisor and both workers).',
	`Our server gave its spare heap back (IDLE_MEMORY_RELEASE_SECONDS=${DEFAULT_IDLE_SECONDS}, decision 0037) ${collectionsDuringRun} time(s) during the run, while the other servers' rounds left it without requests.`,
);
const report = lines.join('\n');
console.log(report);

if (process.env.BENCH_WRITE_DOCS === 'true') {
	const doc = path.resolve('docs/benchmarks.md');
	const text = readFileSync(doc, 'utf8');
	const start = '<!-- bench:start -->';
	const end = '<!-- bench:end -->';
	const i = text.indexOf(start);
	const j = text.indexOf(end);
	if (i < 0 || j < i) throw new Error(`docs/benchmarks.md has no ${start} … ${end} section to replace.`);
	writeFileSync(doc, `${text.slice(0, i + start.length)}\n${report}\n${text.slice(j)}`);
	console.log('\nWrote the run into docs/benchmarks.md.');
}

// Requests that autocannon gave up on at the end may still be running: let them finish.
await new Promise((resolve) => setTimeout(resolve, 1000));
for (const child of children.reverse()) {
	child.kill('SIGTERM');
	if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
}
await monitor.end();
const cleanup = new pg.Client({ connectionString: baseUrl });
await cleanup.connect();
await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await cleanup.end();
