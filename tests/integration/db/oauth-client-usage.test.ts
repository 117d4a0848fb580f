/**
 * Migration 0004 records, on the client, whether it registered itself and when anything was first
 * issued for it. The cleanup trusts `first_used_at` alone, so every row that names a client must set it,
 * and clients that existed before the migration must be classified from what is still on record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as initial from '../../../src/server/db/migrations/0001_initial.ts';
import * as oauthRefresh from '../../../src/server/db/migrations/0002_oauth_refresh.ts';
import * as attemptsByDay from '../../../src/server/db/migrations/0003_attempts_by_day.ts';
import * as oauthClientUsage from '../../../src/server/db/migrations/0004_oauth_client_usage.ts';
import { createClient } from '../../../src/server/oauth/clients.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, type TestDatabase, uniqueEmail } from './harness.ts';

const T1 = new Date('2026-01-10T08:00:00.000Z');
const T2 = new Date('2026-01-20T08:00:00.000Z');

for (const target of TARGETS) {
	describe(`${target}: OAuth client usage (migration 0004)`, () => {
		let t: TestDatabase;
		let userId: string;
		beforeAll(async () => {
			t = await openTestDatabase(target, { migrate: false });
			await initial.up(t.handle.db);
			await oauthRefresh.up(t.handle.db);
			await attemptsByDay.up(t.handle.db);
			userId = (await createUser(t.handle.db, { email: uniqueEmail('usage'), passwordHash: 'x', displayName: 'U' })).id;
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		const column = async (clientId: string) =>
			t.handle.db
				.selectFrom('oauth_clients')
				.select(['dynamically_registered', 'first_used_at'])
				.where('id', '=', clientId)
				.executeTakeFirstOrThrow();

		const session = (id: string, clientId: string | null, createdAt: Date) =>
			t.handle.db
				.insertInto('sessions')
				.values({
					id,
					user_id: userId,
					secret_hash: new Uint8Array(32),
					kind: clientId ? 'oauth' : 'browser',
					client_id: clientId,
					created_at: createdAt,
					expires_at: new Date(createdAt.getTime() + 1000),
				})
				.execute();

		const code = (hash: string, clientId: string, expiresAt: Date) =>
			t.handle.db
				.insertInto('oauth_codes')
				.values({
					code_hash: hash,
					client_id: clientId,
					user_id: userId,
					redirect_uri: 'https://a.test/cb',
					scope: 'course',
					expires_at: expiresAt,
				})
				.execute();

		/** A client row as the code before migration 0004 wrote it: without the new columns. */
		const legacy = (id: string) =>
			t.handle.db
				.insertInto('oauth_clients')
				.values({ id, name: id, secret_hash: null, redirect_uris: JSON.stringify(['https://a.test/cb']) })
				.execute();

		it('classifies clients that existed before it: kept as operator-registered, used when a trace is still on record', async () => {
			await legacy('legacy-unused');
			await legacy('legacy-session-and-code');
			await legacy('legacy-code');
			await session('legacy-s', 'legacy-session-and-code', T2);
			await code('legacy-c1', 'legacy-session-and-code', T1);
			await code('legacy-c2', 'legacy-code', T2);

			await oauthClientUsage.up(t.handle.db);

			expect(await column('legacy-unused')).toEqual({ dynamically_registered: false, first_used_at: null });
			// The earliest trace: the code (T1) before the session (T2).
			expect(await column('legacy-session-and-code')).toEqual({ dynamically_registered: false, first_used_at: T1 });
			expect(await column('legacy-code')).toEqual({ dynamically_registered: false, first_used_at: T2 });
		});

		const fresh = async () =>
			(await createClient(t.handle.db, { name: 'App', redirectUris: ['https://a.test/cb'], isPublic: true, dynamicallyRegistered: true }))
				.client.id;

		it('records how a new client was registered', async () => {
			const dynamic = await fresh();
			const { client: operator } = await createClient(t.handle.db, { name: 'GPT', redirectUris: ['https://a.test/cb'], isPublic: false });
			expect(await column(dynamic)).toEqual({ dynamically_registered: true, first_used_at: null });
			expect(await column(operator.id)).toEqual({ dynamically_registered: false, first_used_at: null });
		});

		it('marks a client used when a code is issued for it, once', async () => {
			const id = await fresh();
			const other = await fresh();
			await code(`c-${id}`, id, T1);
			const first = (await column(id)).first_used_at;
			expect(first).toBeInstanceOf(Date);
			expect((await column(other)).first_used_at).toBeNull();
			await code(`c2-${id}`, id, T2);
			expect((await column(id)).first_used_at).toEqual(first);
		});

		it('marks a client used when a session (access token) is issued for it', async () => {
			const id = await fresh();
			await session(`s-${id}`, id, T1);
			expect((await column(id)).first_used_at).toBeInstanceOf(Date);
			// A session without a client, or naming one that does not exist, changes nothing and does not fail.
			await session(`s-none-${id}`, null, T1);
			await session(`s-unknown-${id}`, 'no-such-client', T1);
		});

		it('marks a client used when a refresh token is issued for it', async () => {
			const id = await fresh();
			// The access token's session names no client here, so only the refresh token can mark it.
			await session(`s-for-r-${id}`, null, T1);
			await t.handle.db
				.insertInto('oauth_refresh_tokens')
				.values({ token_hash: `r-${id}`, grant_id: 'g', session_id: `s-for-r-${id}`, client_id: id, scope: 'course', expires_at: T2 })
				.execute();
			expect((await column(id)).first_used_at).toBeInstanceOf(Date);
		});

		it('down removes the columns, the triggers and their function', async () => {
			await oauthClientUsage.down(t.handle.db);
			const columns = (await t.handle.db.introspection.getTables())
				.find((table) => table.name === 'oauth_clients')
				?.columns.map((c) => c.name)
				.sort();
			expect(columns).toEqual(['created_at', 'id', 'name', 'redirect_uris', 'secret_hash']);
			// Inserting a code no longer calls the (dropped) trigger function.
			await legacy('after-down');
			await code('after-down', 'after-down', T1);
			const { rows } = await t.handle.raw.query(
				`select count(*) as n from pg_proc where proname = 'oauth_clients_mark_used' and pronamespace = current_schema()::regnamespace`,
			);
			expect(rows[0].n).toBe(0);
		});
	});
}
