/**
 * `node scripts/bench-durability.ts [commits]`: single-row commits per second on the embedded
 * database, durable (the default, PGLITE_DURABILITY=fsync) and not (unsafe-no-fsync), each on a fresh
 * temp directory, with the load average. The figures in README "Reliability" come from here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/server/db/factory.ts';

const commits = Number(process.argv[2] ?? 500);
for (const durability of ['unsafe-no-fsync', 'fsync'] as const) {
	const root = mkdtempSync(path.join(os.tmpdir(), 'cc-bench-durability-'));
	try {
		const handle = await openDatabase({ dataDir: path.join(root, 'pglite'), pgliteDurability: durability });
		await handle.raw.query('create table marks (id serial primary key, at timestamptz default now())');
		const started = performance.now();
		for (let i = 0; i < commits; i++) await handle.raw.query('insert into marks default values');
		const seconds = (performance.now() - started) / 1000;
		await handle.close();
		const load = os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(' ');
		console.log(
			`${durability.padEnd(16)} ${commits} commits in ${seconds.toFixed(2)} s = ${Math.round(commits / seconds)} commits/s (load average ${load})`,
		);
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}
