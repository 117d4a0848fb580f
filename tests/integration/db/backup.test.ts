/**
 * `npm run db:backup` / `db:restore` on the embedded database: a backup taken while the production
 * server runs and writes (the server writes it, asked by signal) holds every account acknowledged
 * before it started; a backup of a stopped database restores to exactly the same rows; restore
 * refuses a directory in use or not empty.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNode } from '../../helpers/run-node.ts';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { startWriteLoad } from '../chaos/load.ts';
import { startServer } from '../../helpers/server.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'cc-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs a CLI without blocking this process (which reads the server's output meanwhile). */
async function cli(script: 'db-backup' | 'db-restore', args: string[], dataDir: string): Promise<{ status: number | null; out: string }> {
	const { code, output } = await runNode([`scripts/${script}.ts`, ...args], {
		env: { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
	});
	return { status: code, out: output };
}

async function rows(dataDir: string): Promise<string[]> {
	const handle = await openDatabase({ dataDir });
	try {
		const { rows } = await handle.raw.query('select id, email, display_name, tier, created_at from users order by id');
		return rows.map((r) => JSON.stringify(r));
	} finally {
		await handle.close();
	}
}

describe('embedded database backups', () => {
	const dataDir = path.join(root, 'pglite');

	it('backs up while the server runs and writes; the restore holds every account acknowledged before', { timeout: 90_000 }, async () => {
		const server = await startServer({ dataDir: root });
		const load = startWriteLoad(() => server.url, { tag: 'live' });
		let before: string[];
		let backup: Awaited<ReturnType<typeof cli>>;
		try {
			while (load.acknowledgedCount() < 15) await new Promise((resolve) => setTimeout(resolve, 50));
			before = load.acknowledgedSoFar();
			backup = await cli('db-backup', [path.join(root, 'live.tgz')], dataDir);
		} finally {
			await load.stop();
			await server.stop();
		}
		expect(backup.status, backup.out).toBe(0);
		expect(backup.out).toMatch(/written by the running server, process \d+/);
		const restored = path.join(root, 'restored-live', 'pglite');
		const restore = await cli('db-restore', [path.join(root, 'live.tgz')], restored);
		expect(restore.status, restore.out).toBe(0);
		const emails = new Set((await rows(restored)).map((r) => (JSON.parse(r) as { email: string }).email));
		expect(before.length).toBeGreaterThanOrEqual(15);
		expect(before.filter((email) => !emails.has(email))).toEqual([]);
		expect(emails.has('premium@demo.test')).toBe(true);
	});

	it('restores a backup of a stopped database to exactly its rows', { timeout: 60_000 }, async () => {
		const backup = await cli('db-backup', [path.join(root, 'cold.tgz')], dataDir);
		expect(backup.status, backup.out).toBe(0);
		expect(backup.out).toContain('no server was running');
		const restored = path.join(root, 'restored-cold', 'pglite');
		expect((await cli('db-restore', [path.join(root, 'cold.tgz')], restored)).status).toBe(0);
		const original = await rows(dataDir);
		expect(original.length).toBeGreaterThan(15);
		expect(await rows(restored)).toEqual(original);
	});

	it('refuses to restore over a directory that is not empty, or in use', { timeout: 60_000 }, async () => {
		const refused = await cli('db-restore', [path.join(root, 'cold.tgz')], dataDir);
		expect(refused.status).toBe(1);
		expect(refused.out).toContain('is not empty: pass --replace');
		const handle = await openDatabase({ dataDir });
		try {
			const locked = await cli('db-restore', [path.join(root, 'cold.tgz'), '--replace'], dataDir);
			expect(locked.status).toBe(1);
			expect(locked.out).toContain('is in use by process');
		} finally {
			await handle.close();
		}
		const replaced = await cli('db-restore', [path.join(root, 'cold.tgz'), '--replace'], dataDir);
		expect(replaced.status, replaced.out).toBe(0);
		expect(readdirSync(root).some((name) => name.startsWith('pglite.before-restore-'))).toBe(true);
		expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
	});
});
