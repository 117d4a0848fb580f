/**
 * DATABASE_DRIVER=neon: @neondatabase/serverless's Pool (Postgres over WebSockets) through a local
 * WebSocket relay to the real PostgreSQL — migrations, the normalised types, a transaction, and
 * the same repository calls as on pg and PGlite. Needs TEST_DATABASE_URL (CI sets it).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/server/db/factory.ts';
import { migrateToLatest, migrationStatus } from '../../../src/server/db/migrate.ts';
import { markChapterComplete, recordActivity, listActivityDays } from '../../../src/server/repositories/progress.ts';
import { createUser, setTier, tierHistory } from '../../../src/server/repositories/users.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { Client, startServer } from '../../helpers/server.ts';
import { startWsProxy } from '../../helpers/ws-proxy.ts';

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('\n*** Neon driver test skipped: set TEST_DATABASE_URL (CI does) ***\n');

describe.skipIf(!hasPostgres)('Neon serverless driver (WebSocket) against PostgreSQL', () => {
	let database: TestDatabase;
	let proxy: Awaited<ReturnType<typeof startWsProxy>>;
	let handle: DatabaseHandle;

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		proxy = await startWsProxy();
		handle = await openDatabase({ url: database.url, driver: 'neon', neonWsProxy: `127.0.0.1:${proxy.port}/v1` });
	});

	afterAll(async () => {
		await handle?.close();
		await proxy?.close();
		await database?.drop();
	});

	it('migrates over the WebSocket connection', async () => {
		expect(handle.dialect).toBe('neon');
		await migrateToLatest(handle.db);
		expect((await migrationStatus(handle.db)).pending).toBe(0);
		expect(proxy.connections()).toBeGreaterThan(0);
	});

	it('returns the same JS types as pg and PGlite', async () => {
		const row = await sql<{
			n: unknown;
			d: unknown;
			b: unknown;
		}>`select count(*) as n, date '2028-02-29' as d, '\\x0102'::bytea as b`.execute(handle.db);
		const first = row.rows[0];
		expect(first?.n).toBe(1);
		expect(first?.d).toBe('2028-02-29');
		expect(first?.b).toBeInstanceOf(Uint8Array);
		expect(Array.from((first?.b ?? []) as Uint8Array)).toEqual([1, 2]);
	});

	it('runs repository calls, idempotent writes and a transaction', async () => {
		const user = await createUser(handle.db, { email: `neon-${Date.now()}@example.com`, passwordHash: 'x', displayName: 'Neon' });
		const results = await Promise.all(Array.from({ length: 10 }, () => markChapterComplete(handle.db, user.id, 'tool-use', new Date())));
		expect(results.filter((r) => r.created)).toHaveLength(1);
		await recordActivity(handle.db, user.id, '2026-11-26', 'checkin');
		expect(await listActivityDays(handle.db, user.id)).toEqual(['2026-11-26']);
		expect(await setTier(handle.db, user.id, 'premium', 'test', 'neon')).toEqual({ from: 'free', to: 'premium' });
		expect((await tierHistory(handle.db, user.id)).map((h) => h.to_tier)).toEqual(['premium']);
	});

	it('serves the API with DATABASE_DRIVER=neon (the production server, seeded on request)', async () => {
		const server = await startServer({
			databaseUrl: database.url,
			env: { DATABASE_DRIVER: 'neon', NEON_WS_PROXY: `127.0.0.1:${proxy.port}/v1`, SEED_DEMO: 'true' },
		});
		try {
			const client = new Client(server.url);
			await client.login('premium@demo.test');
			const checkin = await client.post('/api/v1/me/streak/checkins');
			expect(checkin.status).toBe(200);
			expect(checkin.json).toMatchObject({ current: 1, todayDone: true, recorded: true });
			const content = await client.get('/api/v1/chapters/agent-skills/content');
			expect(content.status).toBe(200);
			expect((await client.get('/api/ready')).json).toMatchObject({ status: 'ready', database: 'neon' });
		} finally {
			await server.stop();
		}
	});
});
