/**
 * `npm run bench:embedded`: the embedded database's start-up, as `npm start` meets it (issue 13: ≤ 250 MB idle,
 * no start-up spike above 400 MB). Starts the production server (`scripts/serve.ts`, package.json's node flags)
 * without DATABASE_URL three ways, in one run: on a fresh data directory filled from the shipped cluster (the
 * default), on a fresh one made by initdb (PGLITE_NEW_CLUSTER=initdb, the way it was made before), and on the
 * existing directory again. Prints the time to listening, the peak RSS of the process tree (initdb's child
 * included, sampled every 50 ms), the RSS 5 s after listening and once idle (after the idle collection of
 * decision 0037, IDLE_MEMORY_RELEASE_SECONDS at its default). Needs `npm run build`.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rssMb, tree } from './proc-stats.ts';
import type { PgliteNewCluster } from '../src/server/db/pglite-cluster.ts';
import { DEFAULT_IDLE_SECONDS, idleCollectionDueMs } from '../src/server/idle-memory.ts';
import { spawnProductionServer } from './node-flags.ts';

const SETTLE_MS = 5000;
const IDLE_MS = idleCollectionDueMs(DEFAULT_IDLE_SECONDS);
const load = () =>
	os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ');

async function start(dataDir: string, newCluster: PgliteNewCluster) {
	const started = performance.now();
	const { server, port } = spawnProductionServer({
		DATABASE_URL: '',
		DATA_DIR: dataDir,
		PGLITE_NEW_CLUSTER: newCluster,
		LOG_LEVEL: 'warn',
		SEED_DEMO: 'false',
		IDLE_MEMORY_RELEASE_SECONDS: String(DEFAULT_IDLE_SECONDS),
	});
	let peak = 0;
	const sampler = setInterval(() => {
		peak = Math.max(peak, rssMb(tree(server.pid as number)));
	}, 50);
	try {
		await port;
		const listeningMs = performance.now() - started;
		await new Promise((r) => setTimeout(r, SETTLE_MS));
		const settled = rssMb(tree(server.pid as number));
		await new Promise((r) => setTimeout(r, IDLE_MS - SETTLE_MS));
		return { listeningMs, peak, settled, idle: rssMb(tree(server.pid as number)) };
	} finally {
		clearInterval(sampler);
		if (server.exitCode === null && server.signalCode === null) {
			const exited = once(server, 'exit');
			server.kill('SIGTERM');
			await exited;
		}
	}
}

const root = mkdtempSync(path.join(os.tmpdir(), 'bench-embedded-'));
console.log(`bench:embedded on ${os.cpus().length} CPUs, Node ${process.version}; load average before: ${load()}\n`);
console.log(
	`| data directory | start → listening | peak RSS (process tree) | RSS 5 s after listening | RSS idle (${(IDLE_MS / 1000).toFixed(1)} s after listening) |`,
);
console.log('|---|---:|---:|---:|---:|');
try {
	for (const [label, dir, how] of [
		['fresh, from the shipped cluster (default)', 'template', 'template'],
		['fresh, from initdb (PGLITE_NEW_CLUSTER=initdb)', 'initdb', 'initdb'],
		['existing (the first one, reopened)', 'template', 'template'],
	] as const) {
		const r = await start(path.join(root, dir), how);
		console.log(
			`| ${label} | ${(r.listeningMs / 1000).toFixed(1)} s | ${r.peak.toFixed(0)} MB | ${r.settled.toFixed(0)} MB | ${r.idle.toFixed(0)} MB |`,
		);
	}
} finally {
	rmSync(root, { recursive: true, force: true });
}
console.log(`\nload average after: ${load()}`);
