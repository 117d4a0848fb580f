/**
 * `npm run bench:build`: how the build and the server scale with the course (issue 13). Generates
 * deterministic synthetic courses (tests/helpers/synthetic-course.ts: ≈ 1,500 words and a quiz per
 * chapter, some premium, parts of 50) of 10, 100 and 1,000 chapters, builds each with `astro build`
 * (CONTENT_DIR selects the course, as the fixture builds do) and prints: build time, peak RSS of the
 * build (GNU time's maximum resident set size: the largest process), public output size, the largest
 * and median chapter page raw and gzipped, the largest JSON file (ChatGPT's limit is 100,000
 * characters), then the production server on that build (scripts/serve.ts, PostgreSQL): idle RSS after
 * start, the time from listening (and from the process's start) to the first search answer, search p50/p95,
 * with the node flags of package.json's serve script. Then the admin learner search at
 * many learners (p50/p95 of `listUsers`, with and without the trigram indexes of migration 0015).
 *
 * Flags/env: --sizes 10,100,1000 (BENCH_SIZES); --learners 100000 (BENCH_LEARNERS; 0 skips);
 * --only build|learners; BENCH_DATABASE_URL (default TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test; fresh databases are created and dropped). Builds go to
 * .test-build/bench-build-<n> (inside the project, so the server bundle finds node_modules).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { writeSyntheticCourse } from '../tests/helpers/synthetic-course.ts';
import { serverBundleEntry } from '../src/publish/server-bundle.mjs';
import { rssMb } from './proc-stats.ts';
import { astroBuildArgs, spawnProductionServer } from './node-flags.ts';
import { DEFAULT_IDLE_SECONDS, IDLE_COLLECTION_MESSAGE, idleCollectionDueMs } from '../src/server/idle-memory.ts';

const { values: args } = parseArgs({
	options: {
		sizes: { type: 'string', default: process.env.BENCH_SIZES ?? '10,100,1000' },
		learners: { type: 'string', default: process.env.BENCH_LEARNERS ?? '100000' },
		only: { type: 'string' },
		/** Serve an existing build of the same size again instead of building (server figures only). */
		reuse: { type: 'boolean', default: false },
	},
});
const ROOT = path.resolve(import.meta.dirname, '..');
const SIZES = (args.sizes ?? '').split(',').filter(Boolean).map(Number);
const LEARNERS = Number(args.learners);
/** Rounds of the admin-search queries per measurement (BENCH_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const MB = 1024 * 1024;
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor((s.length - 1) / 2)] ?? 0;
};
const percentile = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};
const load = () =>
	os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');

function files(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name));
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
	const name = `cc_bench_build_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: baseUrl });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const c = new pg.Client({ connectionString: baseUrl });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		},
	};
}

interface BuildFigures {
	chapters: number;
	seconds: number;
	peakRss: number;
	publicBytes: number;
	publicFiles: number;
	pageLargest: number;
	pageLargestGz: number;
	pageMedian: number;
	pageMedianGz: number;
	largestJson: { file: string; chars: number };
	jsonFiles: number;
}

function build(n: number, courseDir: string, outDir: string): BuildFigures {
	rmSync(outDir, { recursive: true, force: true });
	const env: NodeJS.ProcessEnv = { CONTENT_DIR: courseDir, ASTRO_TELEMETRY_DISABLED: '1' };
	for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[name] !== undefined) env[name] = process.env[name];
	const started = performance.now();
	const result = spawnSync('/usr/bin/time', ['-v', process.execPath, ...astroBuildArgs(ROOT), '--outDir', outDir], {
		cwd: ROOT,
		env,
		encoding: 'utf8',
		maxBuffer: 256 * MB,
	});
	const seconds = (performance.now() - started) / 1000;
	if (result.status !== 0)
		throw new Error(`build of ${n} chapters failed (exit ${result.status}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
	const peakRss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? 0) * 1024;
	return { ...measureOutput(n, outDir), seconds, peakRss };
}

function measureOutput(n: number, outDir: string): Omit<BuildFigures, 'seconds' | 'peakRss'> {
	const client = path.join(outDir, 'client');
	const all = files(client);
	const pages = all.filter((f) => /[/\\]chapters[/\\][^/\\]+[/\\]index\.html$/.test(f)).map((f) => readFileSync(f));
	const raw = pages.map((b) => b.length);
	const gz = pages.map((b) => gzipSync(b, { level: 9 }).length);
	const json = all
		.filter((f) => f.endsWith('.json'))
		.map((f) => ({ file: path.relative(client, f), chars: readFileSync(f, 'utf8').length }));
	return {
		chapters: n,
		publicBytes: all.reduce((sum, f) => sum + statSync(f).size, 0),
		publicFiles: all.length,
		pageLargest: Math.max(...raw),
		pageLargestGz: Math.max(...gz),
		pageMedian: median(raw),
		pageMedianGz: median(gz),
		largestJson: json.reduce((a, b) => (b.chars > a.chars ? b : a)),
		jsonFiles: json.length,
	};
}

interface ServerFigures {
	readyMs: number;
	idleRss: number;
	/** From listening to the first search's answer, and from the process's start to it. */
	firstSearchMs: number;
	startToFirstSearchMs: number;
	afterSearchRss: number;
	/** After the searches, once the server has had IDLE_WAIT_MS without a request (then it has given its spare heap back). */
	idleAfterRss: number;
	/** How long that collection took (its log line). */
	idleCollectionMs: number;
	searchP50: number;
	searchP95: number;
}

/** Longer without a request than the server waits before giving its spare heap back (decision 0037). */
const IDLE_WAIT_MS = idleCollectionDueMs(DEFAULT_IDLE_SECONDS);

async function serve(outDir: string, query: string): Promise<ServerFigures> {
	const db = await freshDatabase();
	const started = performance.now();
	const {
		server,
		port: portKnown,
		output,
	} = spawnProductionServer(
		{
			DIST_DIR: outDir,
			PRIVATE_CONTENT_DIR: path.join(outDir, 'private'),
			DATABASE_URL: db.url,
			SEED_DEMO: 'false',
			// info: the idle collection's line (RSS before and after, ms) is read from the log.
			LOG_LEVEL: 'info',
			IDLE_MEMORY_RELEASE_SECONDS: String(DEFAULT_IDLE_SECONDS),
		},
		ROOT,
	);
	try {
		const port = await portKnown;
		const listening = performance.now();
		const readyMs = listening - started;
		const idleRss = rssMb([server.pid as number]) * MB;
		const url = `http://127.0.0.1:${port}/api/v1/search?q=${encodeURIComponent(query)}`;
		const t0 = performance.now();
		const first = await fetch(url);
		await first.arrayBuffer();
		const firstSearchMs = performance.now() - t0;
		const startToFirstSearchMs = performance.now() - started;
		if (!first.ok) throw new Error(`first search answered ${first.status}`);
		const times: number[] = [];
		for (let i = 0; i < 40; i++) {
			const t = performance.now();
			await (await fetch(url)).arrayBuffer();
			times.push(performance.now() - t);
		}
		const afterSearchRss = rssMb([server.pid as number]) * MB;
		await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
		return {
			readyMs,
			idleRss,
			firstSearchMs,
			startToFirstSearchMs,
			afterSearchRss,
			idleAfterRss: rssMb([server.pid as number]) * MB,
			idleCollectionMs: Number(
				[...output().matchAll(new RegExp(`"ms":(\\d+),"msg":"${IDLE_COLLECTION_MESSAGE}"`, 'g'))].at(-1)?.[1] ?? Number.NaN,
			),
			searchP50: median(times),
			searchP95: percentile(times, 95),
		};
	} finally {
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
		await db.drop();
	}
}

async function learnerSearch(count: number) {
	const db = await freshDatabase();
	const { openDatabase } = await import('../src/server/db/factory.ts');
	const { migrateToLatest } = await import('../src/server/db/migrate.ts');
	const { listUsers } = await import('../src/server/repositories/users.ts');
	const { sql } = await import('kysely');
	const handle = await openDatabase({ url: db.url });
	try {
		await migrateToLatest(handle.db);
		await sql`
			insert into users (id, email, password_hash, display_name)
			select 'u' || i, substr(md5(i::text), 1, 12) || '@' || (array['gmail.com', 'example.org', 'school.edu', 'mail.test'])[i % 4 + 1],
				'x', 'Learner ' || substr(md5('name' || i), 1, 10)
			from generate_series(1, ${count}) as i
		`.execute(handle.db);
		await sql`analyze users`.execute(handle.db);
		// Queries an administrator types: part of an email, part of a name, a miss; each run ROUNDS times.
		const queries = [md5Prefix(String(4242)).slice(0, 8), md5Prefix(`name${777}`).slice(2, 8), 'school.edu', 'nobody-has-this'];
		const measure = async () => {
			const times: number[] = [];
			for (let round = 0; round < ROUNDS; round++) {
				for (const q of queries) {
					const t = performance.now();
					await listUsers(handle.db, { query: q, limit: 20, offset: 0 });
					times.push(performance.now() - t);
				}
			}
			return { p50: percentile(times, 50), p95: percentile(times, 95) };
		};
		const plan = async () => {
			const { rows } = await sql<{ 'QUERY PLAN': string }>`
				explain select id from users where email ilike ${`%${queries[0]}%`} or display_name ilike ${`%${queries[0]}%`}
			`.execute(handle.db);
			return (
				rows
					.map((r) => r['QUERY PLAN'])
					.find((l) => /Scan/.test(l))
					?.trim() ?? '?'
			);
		};
		await measure(); // warm
		const indexed = { ...(await measure()), plan: await plan() };
		await sql`drop index users_email_trgm_idx`.execute(handle.db);
		await sql`drop index users_display_name_trgm_idx`.execute(handle.db);
		await measure();
		const scanned = { ...(await measure()), plan: await plan() };
		return { indexed, scanned };
	} finally {
		await handle.close();
		await db.drop();
	}
}

function md5Prefix(text: string): string {
	return createHash('md5').update(text).digest('hex');
}

console.log(`bench:build on ${os.cpus().length} CPUs, Node ${process.version}; load average (1/5/15 min) ${load()}`);
if (args.only !== 'learners') {
	const work = mkdtempSync(path.join(os.tmpdir(), 'cc-bench-build-'));
	const rows: string[] = [];
	try {
		for (const n of SIZES) {
			const courseDir = path.join(work, `course-${n}`);
			const ids = writeSyntheticCourse(courseDir, { chapters: n });
			const outDir = path.join(ROOT, '.test-build', `bench-build-${n}`);
			console.log(`\n${n} chapters: building (load ${load()})…`);
			const reused = args.reuse && existsSync(path.join(outDir, 'server', 'entry.mjs')) && existsSync(serverBundleEntry(outDir));
			const b = reused ? { ...measureOutput(n, outDir), seconds: Number.NaN, peakRss: Number.NaN } : build(n, courseDir, outDir);
			const manifest = JSON.parse(readFileSync(path.join(outDir, 'private', 'manifest.json'), 'utf8')) as {
				chapters: { id: string; headings: { depth: number; text: string }[] }[];
			};
			const last = manifest.chapters.find((c) => c.id === ids[ids.length - 1]);
			const query = last?.headings.find((h) => h.depth === 2)?.text ?? 'buffer';
			const s = await serve(outDir, query);
			const line = [
				n,
				`${b.seconds.toFixed(1)} s`,
				`${Math.round(b.peakRss / MB)} MB`,
				`${(b.publicBytes / MB).toFixed(1)} MB (${b.publicFiles} files)`,
				`${kB(b.pageLargest)} / ${kB(b.pageLargestGz)}`,
				`${kB(b.pageMedian)} / ${kB(b.pageMedianGz)}`,
				`${b.largestJson.chars} (${b.largestJson.file})`,
				`${Math.round(s.idleRss / MB)} MB`,
				`${Math.round(s.readyMs)} ms`,
				`${Math.round(s.firstSearchMs)} ms`,
				`${Math.round(s.startToFirstSearchMs)} ms`,
				`${s.searchP50.toFixed(1)} ms`,
				`${s.searchP95.toFixed(1)} ms`,
				`${Math.round(s.afterSearchRss / MB)} MB`,
				`${Math.round(s.idleAfterRss / MB)} MB (collection ${s.idleCollectionMs} ms)`,
			].join(' | ');
			console.log(`| ${line} |`);
			rows.push(`| ${line} |`);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	console.log(
		`\n| chapters | build | build peak RSS | public output | largest chapter page raw / gz | median chapter page raw / gz | largest JSON (chars) | server RSS at listening | start → listening | listening → first search answered | start → first search answered | search p50 | search p95 | RSS after searches | RSS idle after searches (${IDLE_WAIT_MS / 1000} s without requests) |`,
	);
	console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
	for (const r of rows) console.log(r);
}
if (args.only !== 'build' && LEARNERS > 0) {
	console.log(`\nAdmin learner search at ${LEARNERS} learners (PostgreSQL, listUsers, limit 20; load ${load()})…`);
	const r = await learnerSearch(LEARNERS);
	console.log('| indexes | p50 | p95 | plan |');
	console.log('|---|---:|---:|---|');
	console.log(`| trigram GIN (0015) | ${r.indexed.p50.toFixed(1)} ms | ${r.indexed.p95.toFixed(1)} ms | ${r.indexed.plan} |`);
	console.log(`| none | ${r.scanned.p50.toFixed(1)} ms | ${r.scanned.p95.toFixed(1)} ms | ${r.scanned.plan} |`);
}
console.log(`\nload average (1/5/15 min) at the end: ${load()}`);
