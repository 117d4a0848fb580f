/** `npm run db:cleanup` on an embedded database, as an operator (or a cron job) runs it. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../../src/server/auth/sessions.ts';
import { openDatabase } from '../../../src/server/db/factory.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { createClient } from '../../../src/server/oauth/clients.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { makeTempDir, uniqueEmail } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;
const root = makeTempDir('cc-cleanup-cli-');
const dataDir = path.join(root, 'pglite');

const run = (extraEnv: Record<string, string> = {}) =>
	spawnSync(process.execPath, ['scripts/db-cleanup.ts'], {
		env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ...extraEnv },
		encoding: 'utf8',
		timeout: 60_000,
	});

/** Opens the data directory between runs: the script needs the lock, so this handle is closed before each. */
async function withDb<T>(work: (handle: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
	const handle = await openDatabase({ dataDir });
	try {
		return await work(handle);
	} finally {
		await handle.close();
	}
}

const remaining = () =>
	withDb(async ({ db }) => ({
		sessions: (await db.selectFrom('sessions').select('label').orderBy('label').execute()).map((r) => r.label),
		clients: (await db.selectFrom('oauth_clients').select('name').orderBy('name').execute()).map((r) => r.name),
	}));

beforeAll(async () => {
	await withDb(async ({ db }) => {
		await migrateToLatest(db);
		const now = Date.now();
		const userId = (await createUser(db, { email: uniqueEmail('cli'), passwordHash: 'x', displayName: 'C' })).id;
		await createSession(db, { userId, kind: 'browser', label: 'expired', now: new Date(now - 31 * DAY) });
		await createSession(db, { userId, kind: 'browser', label: 'live', now: new Date(now - DAY) });
		const client = async (name: string, dynamicallyRegistered: boolean, ageDays: number) => {
			const { client: c } = await createClient(db, { name, redirectUris: ['https://a.test/cb'], isPublic: true, dynamicallyRegistered });
			await db
				.updateTable('oauth_clients')
				.set({ created_at: new Date(now - ageDays * DAY) })
				.where('id', '=', c.id)
				.execute();
		};
		await client('dynamic, 40 days', true, 40);
		await client('dynamic, 10 days', true, 10);
		await client('operator, 40 days', false, 40);
	});
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run db:cleanup', () => {
	it('deletes what has expired or was never used and prints the count of each kind', async () => {
		const result = run();
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toBe(
			[
				'Deleted from the pglite database:',
				'  expired sessions: 1',
				'  expired OAuth refresh tokens: 0',
				'  expired OAuth authorization codes: 0',
				'  unused dynamically registered OAuth clients: 1',
				'  expired rate-limit counters: 0',
				'  expired password-reset and verification links: 0',
				'',
			].join('\n'),
		);
		expect(await remaining()).toEqual({ sessions: ['live'], clients: ['dynamic, 10 days', 'operator, 40 days'] });
	});

	it('takes the client age from OAUTH_UNUSED_CLIENT_DAYS', async () => {
		const result = run({ OAUTH_UNUSED_CLIENT_DAYS: '7' });
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain('  unused dynamically registered OAuth clients: 1\n');
		expect(result.stdout).toContain('  expired sessions: 0\n');
		expect(await remaining()).toEqual({ sessions: ['live'], clients: ['operator, 40 days'] });
	});

	it('stops with the configuration problem, touching nothing', async () => {
		const result = run({ OAUTH_UNUSED_CLIENT_DAYS: '0' });
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('OAUTH_UNUSED_CLIENT_DAYS');
		expect(result.stdout).toBe('');
		expect(await remaining()).toEqual({ sessions: ['live'], clients: ['operator, 40 days'] });
	});

	it('refuses, naming the holder, while another process has the embedded database open', async () => {
		const handle = await openDatabase({ dataDir });
		try {
			const result = run();
			expect(result.status).toBe(1);
			expect(result.stderr).toMatch(/The embedded database at .* is in use by process \d+/);
		} finally {
			await handle.close();
		}
	});
});
