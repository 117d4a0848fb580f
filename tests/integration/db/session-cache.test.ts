/**
 * The session cache (decision 0035) on the real PostgreSQL: a repeated lookup reads nothing; a change by
 * another connection (another instance, the CLI, a hand-written UPDATE) reaches it through migration 0016's
 * notifications; this process's own writes are seen at once; a lost or deaf change feed turns the cache off,
 * so no stale row is ever served while nobody is listening.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CHANGES_CHANNEL, SESSION_TABLES, SessionCache } from '../../../src/server/auth/session-cache.ts';
import { createSession, invalidateSession, type SessionLookupRow, validateSessionToken } from '../../../src/server/auth/sessions.ts';
import { type ChangeListener, listenForChanges } from '../../../src/server/db/change-listener.ts';
import { type DatabaseHandle, openDatabase } from '../../../src/server/db/factory.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('session cache on PostgreSQL', () => {
	let database: TestDatabase;
	let handle: DatabaseHandle;
	/** Another connection: what another instance or the `users` CLI would write through. */
	let other: pg.Client;
	const opened: { cache: SessionCache<SessionLookupRow>; listener: ChangeListener; db: Kysely<Database> }[] = [];

	function cached(notify?: (channel: string, payload: string) => Promise<void>) {
		const cache = new SessionCache<SessionLookupRow>();
		const listener = listenForChanges({
			url: database.url as string,
			channel: SESSION_CHANGES_CHANNEL,
			notify: notify ?? (async (channel, payload) => void (await handle.raw.query('select pg_notify($1, $2)', [channel, payload]))),
			onChange: () => cache.flush(),
			onLive: (live) => cache.setLive(live),
			echoTimeoutMs: 500,
			log: () => {},
		});
		const entry = { cache, listener, db: handle.db.withPlugin(cache.writeWatcher) };
		opened.push(entry);
		return entry;
	}

	async function signedIn(db: Kysely<Database>) {
		const user = await createUser(db, {
			email: `cache-${randomBytes(4).toString('hex')}@example.test`,
			passwordHash: 'x',
			displayName: 'Cached',
			tier: 'free',
		});
		const { token } = await createSession(db, { userId: user.id, kind: 'browser', now: new Date() });
		return { user, token };
	}

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		handle = await openDatabase({ url: database.url });
		await migrateToLatest(handle.db);
		other = new pg.Client({ connectionString: database.url });
		await other.connect();
	}, 60_000);

	afterAll(async () => {
		for (const { listener } of opened) await listener.close();
		await other?.end();
		await handle?.close();
		await database?.drop();
	});

	it('serves a repeated lookup from memory once the feed is live', async () => {
		const { cache, db } = cached();
		await until(() => cache.usable, 'the feed to go live');
		const { user, token } = await signedIn(db);
		await until(() => cache.usable, 'the quiet time after our own writes');
		const first = await validateSessionToken(db, token, new Date(), cache);
		const second = await validateSessionToken(db, token, new Date(), cache);
		expect(first?.user.id).toBe(user.id);
		expect(second?.user.id).toBe(user.id);
		expect(cache.stats.misses).toBe(1);
		expect(cache.stats.hits).toBe(1);
		// A wrong secret for a cached id is still refused.
		const wrongSecret = `${token.split('.')[0]}.${'a'.repeat(32)}`;
		expect(await validateSessionToken(db, wrongSecret, new Date(), cache)).toBeNull();
	});

	it('forgets a row another connection changed: a tier set by hand, a session deleted elsewhere', async () => {
		const { cache, db } = cached();
		await until(() => cache.usable, 'the feed to go live');
		const { user, token } = await signedIn(db);
		await until(() => cache.usable, 'the quiet time after our own writes');
		expect((await validateSessionToken(db, token, new Date(), cache))?.user.tier).toBe('free');
		expect((await validateSessionToken(db, token, new Date(), cache))?.user.tier).toBe('free');
		const hitsBefore = cache.stats.hits;
		expect(hitsBefore).toBeGreaterThan(0);

		const flushes = cache.stats.flushes;
		await other.query(`update users set tier = 'pro' where id = $1`, [user.id]);
		await until(() => cache.stats.flushes > flushes, 'the notification');
		expect((await validateSessionToken(db, token, new Date(), cache))?.user.tier).toBe('pro');

		const flushed = cache.stats.flushes;
		await other.query('delete from sessions where user_id = $1', [user.id]);
		await until(() => cache.stats.flushes > flushed, 'the notification');
		expect(await validateSessionToken(db, token, new Date(), cache)).toBeNull();
	});

	it('hears a statement on every table the lookup reads, even one that changes no row', async () => {
		const { cache } = cached();
		await until(() => cache.usable, 'the feed to go live');
		for (const table of SESSION_TABLES) {
			const flushes = cache.stats.flushes;
			await other.query(`delete from ${pg.escapeIdentifier(table)} where false`);
			await until(() => cache.stats.flushes > flushes, `a notification for ${table}`);
		}
	});

	it('sees its own process’s sign-out at once, without waiting for the notification', async () => {
		const { cache, db } = cached();
		await until(() => cache.usable, 'the feed to go live');
		const { token } = await signedIn(db);
		await until(() => cache.usable, 'the quiet time after our own writes');
		const found = await validateSessionToken(db, token, new Date(), cache);
		expect(await validateSessionToken(db, token, new Date(), cache)).not.toBeNull();
		await invalidateSession(db, found?.session.id as string);
		expect(cache.usable).toBe(false);
		expect(await validateSessionToken(db, token, new Date(), cache)).toBeNull();
	});

	it('turns itself off when its connection is lost, reads the database meanwhile, and comes back', async () => {
		const { cache, db } = cached();
		await until(() => cache.usable, 'the feed to go live');
		const { user, token } = await signedIn(db);
		await until(() => cache.usable, 'the quiet time after our own writes');
		await validateSessionToken(db, token, new Date(), cache);
		expect(cache.usable).toBe(true);

		const terminated = await other.query(
			`select pg_terminate_backend(pid) from pg_stat_activity
			 where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`,
		);
		expect(terminated.rowCount).toBeGreaterThan(0);
		await until(() => !cache.usable, 'the cache to turn off');
		// While nobody listens, a change made elsewhere is read from the database, not missed.
		await other.query(`update users set tier = 'premium' where id = $1`, [user.id]);
		expect((await validateSessionToken(db, token, new Date(), cache))?.user.tier).toBe('premium');
		await until(() => cache.usable, 'the feed to come back', 10_000);
		expect((await validateSessionToken(db, token, new Date(), cache))?.user.tier).toBe('premium');
	});

	it('never goes live when its notifications do not come back (a pooler that drops LISTEN)', async () => {
		const { cache, db } = cached(async () => {});
		const { token } = await signedIn(db);
		await new Promise((resolve) => setTimeout(resolve, 1_200));
		expect(cache.usable).toBe(false);
		await validateSessionToken(db, token, new Date(), cache);
		await validateSessionToken(db, token, new Date(), cache);
		expect(cache.stats.hits).toBe(0);
	});
});
