/**
 * `kill -9` of the production server on the embedded database, under write load, three rounds on one
 * data directory: the next start takes over the stale lock and recovers from the WAL, and every
 * account any round acknowledged (201) is in the database afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { startServer } from '../../helpers/server.ts';
import { startWriteLoad, waitFor } from './load.ts';

const ROUNDS = 3;

describe('kill -9 under write load (PGlite)', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'cc-chaos-pglite-'));
	afterAll(() => rmSync(root, { recursive: true, force: true }));

	it(`loses no acknowledged write over ${ROUNDS} rounds`, { timeout: 90_000 }, async () => {
		const started = Date.now();
		const acknowledged: string[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const server = await startServer({ dataDir: root, env: { SEED_DEMO: 'false' } });
			const load = startWriteLoad(() => server.url, { tag: `r${round}` });
			await waitFor(() => load.acknowledgedCount() >= 10 + round * 5, 20_000, `writes in round ${round}`);
			const exited = new Promise((resolve) => server.child.once('exit', resolve));
			server.child.kill('SIGKILL');
			await exited;
			const result = await load.stop();
			acknowledged.push(...result.acknowledged);
		}
		// A fresh server starts on the killed one's directory and answers.
		const server = await startServer({ dataDir: root, env: { SEED_DEMO: 'false' } });
		try {
			expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);
		} finally {
			expect(await server.stop()).toBe(0);
		}
		const handle = await openDatabase({ dataDir: path.join(root, 'pglite') });
		try {
			const { rows } = await handle.raw.query("select email from users where email like 'chaos-%'");
			const present = new Set(rows.map((r: { email: string }) => r.email));
			const missing = acknowledged.filter((email) => !present.has(email));
			expect(missing).toEqual([]);
			expect(acknowledged.length).toBeGreaterThanOrEqual(ROUNDS * 10);
			console.info(
				`[chaos] pglite kill -9 × ${ROUNDS}: ${acknowledged.length} writes acknowledged, ${present.size} found, ${missing.length} missing; ${Date.now() - started} ms`,
			);
		} finally {
			await handle.close();
		}
	});
});
