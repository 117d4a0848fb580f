/**
 * The session cache's own rules (decision 0035), without a database: what counts as a write to the tables
 * the session lookup reads, when a row may be stored and served, and the bounds on size and age.
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SESSION_TABLES, SessionCache, writesAny } from '../../../src/server/auth/session-cache.ts';
import type { Database } from '../../../src/server/db/schema.ts';

const db = new Kysely<Database>({
	dialect: {
		createAdapter: () => new PostgresAdapter(),
		createDriver: () => new DummyDriver(),
		createIntrospector: (k) => new PostgresIntrospector(k),
		createQueryCompiler: () => new PostgresQueryCompiler(),
	},
});

describe('writesAny', () => {
	it('finds INSERT, UPDATE and DELETE on a watched table, aliased or in a CTE', () => {
		const watched = [
			db.updateTable('users').set({ tier: 'pro' }).where('id', '=', 'u'),
			db.updateTable('users as u').set({ tier: 'pro' }),
			db.deleteFrom('sessions').where('id', '=', 's'),
			db.insertInto('team_members').values({ user_id: 'u', team_id: 't', joined_at: new Date() }),
			db
				.with('gone', (q) => q.deleteFrom('oauth_refresh_tokens').returning('session_id'))
				.selectFrom('gone')
				.selectAll(),
		];
		for (const query of watched) expect(writesAny(query.toOperationNode(), SESSION_TABLES), query.compile().sql).toBe(true);
	});

	it('leaves reads, writes to other tables and raw SQL alone', () => {
		const unwatched = [
			db.selectFrom('users').selectAll().where('id', '=', 'u'),
			db.selectFrom('users').select('tier').where('id', '=', 'u').forUpdate(),
			db.insertInto('tier_changes').values({ user_id: 'u', from_tier: 'free', to_tier: 'pro', actor: 'a', reason: null }),
			db.deleteFrom('quiz_attempts').where('user_id', '=', 'u'),
		];
		for (const query of unwatched) expect(writesAny(query.toOperationNode(), SESSION_TABLES), query.compile().sql).toBe(false);
		expect(writesAny(sql`update users set tier = 'pro'`.toOperationNode(), SESSION_TABLES)).toBe(false);
	});
});

describe('SessionCache', () => {
	function cacheAt(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
		let now = 1_000_000;
		const cache = new SessionCache<string>({ ...options, localWriteQuietMs: 1_000, clock: () => now });
		return { cache, advance: (ms: number) => (now += ms) };
	}

	it('serves nothing until its change feed is live, and nothing once it is lost', () => {
		const { cache } = cacheAt();
		cache.store('a', 'row', cache.ticket());
		expect(cache.get('a')).toBeUndefined();
		cache.setLive(true);
		cache.store('a', 'row', cache.ticket());
		expect(cache.get('a')).toBe('row');
		cache.setLive(false);
		expect(cache.get('a')).toBeUndefined();
		cache.setLive(true);
		expect(cache.get('a')).toBeUndefined();
	});

	it('refuses a row read before a flush: the lookup may have read the older version', () => {
		const { cache } = cacheAt();
		cache.setLive(true);
		const ticket = cache.ticket();
		cache.flush();
		cache.store('a', 'stale', ticket);
		expect(cache.get('a')).toBeUndefined();
	});

	it('stays unused for the quiet time after this process writes a watched table', () => {
		const { cache, advance } = cacheAt();
		cache.setLive(true);
		cache.store('a', 'row', cache.ticket());
		db.withPlugin(cache.writeWatcher).updateTable('users').set({ tier: 'pro' }).compile();
		expect(cache.usable).toBe(false);
		cache.store('a', 'row', cache.ticket());
		advance(999);
		expect(cache.get('a')).toBeUndefined();
		advance(1);
		expect(cache.usable).toBe(true);
		expect(cache.get('a')).toBeUndefined();
	});

	it('keeps at most maxEntries rows, dropping the oldest, and none past maxAgeMs', () => {
		const { cache, advance } = cacheAt({ maxEntries: 2, maxAgeMs: 60_000 });
		cache.setLive(true);
		for (const key of ['a', 'b', 'c']) cache.store(key, key, cache.ticket());
		expect(cache.get('a')).toBeUndefined();
		expect(cache.get('b')).toBe('b');
		advance(60_001);
		expect(cache.get('c')).toBeUndefined();
	});
});
