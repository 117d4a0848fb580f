import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as initial from '../../../src/server/db/migrations/0001_initial.ts';
import * as oauthRefresh from '../../../src/server/db/migrations/0002_oauth_refresh.ts';
import * as attemptsByDay from '../../../src/server/db/migrations/0003_attempts_by_day.ts';
import * as oauthClientUsage from '../../../src/server/db/migrations/0004_oauth_client_usage.ts';
import * as billingEvents from '../../../src/server/db/migrations/0005_billing_events.ts';
import * as oauthResource from '../../../src/server/db/migrations/0006_oauth_resource_and_grace.ts';
import * as emailTokens from '../../../src/server/db/migrations/0007_email_tokens.ts';
import * as billingCustomers from '../../../src/server/db/migrations/0008_billing_customers.ts';
import * as timeZoneChange from '../../../src/server/db/migrations/0009_time_zone_change.ts';
import * as adminActions from '../../../src/server/db/migrations/0010_admin_actions.ts';
import * as teams from '../../../src/server/db/migrations/0011_teams.ts';
import * as quizDraws from '../../../src/server/db/migrations/0012_quiz_draws.ts';
import * as certificates from '../../../src/server/db/migrations/0014_certificates.ts';
import * as adminSearchTrigram from '../../../src/server/db/migrations/0015_admin_search_trigram.ts';
import * as sessionChangeNotify from '../../../src/server/db/migrations/0016_session_change_notify.ts';
import * as reviewCards from '../../../src/server/db/migrations/0013_review_cards.ts';
import * as quizResults from '../../../src/server/db/migrations/0017_quiz_results.ts';
import { migrateToLatest, migrationStatus } from '../../../src/server/db/migrate.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, type TargetName, TARGETS, type TestDatabase, uniqueEmail } from './harness.ts';

const TABLES = [
	'activity_days',
	'admin_actions',
	'billing_customers',
	'billing_events',
	'certificates',
	'chapter_completions',
	'email_tokens',
	'oauth_clients',
	'oauth_codes',
	'oauth_refresh_tokens',
	'quiz_attempts',
	'quiz_draws',
	'quiz_results',
	'review_cards',
	'sessions',
	'streak_freezes',
	'team_invites',
	'team_members',
	'teams',
	'tier_changes',
	'users',
];

for (const target of TARGETS) {
	describe(`${target}: migrations`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target, { migrate: false });
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		async function appTables(): Promise<string[]> {
			const tables = await t.handle.db.introspection.getTables();
			return tables
				.filter((x) => x.schema === (t.schema ?? 'public'))
				.map((x) => x.name)
				.sort();
		}

		it('reports every migration as pending on an empty database', async () => {
			const status = await migrationStatus(t.handle.db);
			expect(status).toEqual({
				pending: 17,
				pendingNames: [
					'0001_initial',
					'0002_oauth_refresh',
					'0003_attempts_by_day',
					'0004_oauth_client_usage',
					'0005_billing_events',
					'0006_oauth_resource_and_grace',
					'0007_email_tokens',
					'0008_billing_customers',
					'0009_time_zone_change',
					'0010_admin_actions',
					'0011_teams',
					'0012_quiz_draws',
					'0013_review_cards',
					'0014_certificates',
					'0015_admin_search_trigram',
					'0016_session_change_notify',
					'0017_quiz_results',
				],
				appliedNames: [],
			});
		});

		it('applies every migration, then reports none pending', async () => {
			expect(await migrateToLatest(t.handle.db)).toEqual({
				applied: [
					'0001_initial',
					'0002_oauth_refresh',
					'0003_attempts_by_day',
					'0004_oauth_client_usage',
					'0005_billing_events',
					'0006_oauth_resource_and_grace',
					'0007_email_tokens',
					'0008_billing_customers',
					'0009_time_zone_change',
					'0010_admin_actions',
					'0011_teams',
					'0012_quiz_draws',
					'0013_review_cards',
					'0014_certificates',
					'0015_admin_search_trigram',
					'0016_session_change_notify',
					'0017_quiz_results',
				],
			});
			expect(await migrationStatus(t.handle.db)).toEqual({
				pending: 0,
				pendingNames: [],
				appliedNames: [
					'0001_initial',
					'0002_oauth_refresh',
					'0003_attempts_by_day',
					'0004_oauth_client_usage',
					'0005_billing_events',
					'0006_oauth_resource_and_grace',
					'0007_email_tokens',
					'0008_billing_customers',
					'0009_time_zone_change',
					'0010_admin_actions',
					'0011_teams',
					'0012_quiz_draws',
					'0013_review_cards',
					'0014_certificates',
					'0015_admin_search_trigram',
					'0016_session_change_notify',
					'0017_quiz_results',
				],
			});
			expect(await appTables()).toEqual(TABLES);
		});

		it('is a no-op when already up to date', async () => {
			expect(await migrateToLatest(t.handle.db)).toEqual({ applied: [] });
		});

		it('down drops every table and up recreates them', async () => {
			// Newest first: oauth_refresh_tokens references sessions and oauth_clients.
			await quizResults.down(t.handle.db);
			await sessionChangeNotify.down(t.handle.db);
			await adminSearchTrigram.down(t.handle.db);
			await certificates.down(t.handle.db);
			await reviewCards.down(t.handle.db);
			await quizDraws.down(t.handle.db);
			await teams.down(t.handle.db);
			await adminActions.down(t.handle.db);
			await timeZoneChange.down(t.handle.db);
			await billingCustomers.down(t.handle.db);
			await emailTokens.down(t.handle.db);
			await oauthResource.down(t.handle.db);
			await billingEvents.down(t.handle.db);
			await oauthClientUsage.down(t.handle.db);
			await attemptsByDay.down(t.handle.db);
			await oauthRefresh.down(t.handle.db);
			await initial.down(t.handle.db);
			expect(await appTables()).toEqual([]);
			await initial.up(t.handle.db);
			await oauthRefresh.up(t.handle.db);
			await attemptsByDay.up(t.handle.db);
			await oauthClientUsage.up(t.handle.db);
			await billingEvents.up(t.handle.db);
			await oauthResource.up(t.handle.db);
			await emailTokens.up(t.handle.db);
			await billingCustomers.up(t.handle.db);
			await timeZoneChange.up(t.handle.db);
			await adminActions.up(t.handle.db);
			await teams.up(t.handle.db);
			await quizDraws.up(t.handle.db);
			await reviewCards.up(t.handle.db);
			await certificates.up(t.handle.db);
			await adminSearchTrigram.up(t.handle.db);
			await sessionChangeNotify.up(t.handle.db);
			await t.handle.db.transaction().execute((trx) => quizResults.up(trx));
			expect(await appTables()).toEqual(TABLES);
		});

		it('enforces the check constraints', async () => {
			const user = await createUser(t.handle.db, { email: uniqueEmail(), passwordHash: 'x', displayName: 'C' });
			await expect(sql`update users set role = 'superuser' where id = ${user.id}`.execute(t.handle.db)).rejects.toThrow(/users_role_check/);
			await expect(sql`update users set tier = 'gold' where id = ${user.id}`.execute(t.handle.db)).rejects.toThrow(/users_tier_check/);
		});
	});

	describe(`${target}: type normalization`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target);
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		it('returns count(*) and int8 as numbers, and huge int8 as bigint', async () => {
			const { rows } = await sql<{ c: unknown; i: unknown; big: unknown }>`
				select count(*) as c, 42::int8 as i, 9007199254740993::int8 as big from users
			`.execute(t.handle.db);
			expect(rows[0]).toEqual({ c: 0, i: 42, big: 9007199254740993n });
			const counted = await t.handle.db
				.selectFrom('users')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			expect(counted.n).toBe(0);
		});

		it("returns dates as 'YYYY-MM-DD' strings, never shifted by a time zone", async () => {
			const { rows } = await sql<{ d: unknown; end: unknown }>`
				select '2026-03-01'::date as d, '2026-12-31'::date as "end"
			`.execute(t.handle.db);
			expect(rows[0]).toEqual({ d: '2026-03-01', end: '2026-12-31' });
			const ts = await sql<{ t: unknown }>`select '2026-03-01T12:34:56Z'::timestamptz as t`.execute(t.handle.db);
			expect(ts.rows[0]?.t).toEqual(new Date('2026-03-01T12:34:56.000Z'));
		});

		it('returns bytea as a plain Uint8Array and accepts one as a parameter', async () => {
			const input = new Uint8Array([0, 1, 2, 254, 255]);
			const { rows } = await sql<{ b: unknown; lit: unknown }>`
				select ${input}::bytea as b, '\\x0aff'::bytea as lit
			`.execute(t.handle.db);
			const b = rows[0]?.b as Uint8Array;
			expect(b.constructor).toBe(Uint8Array);
			expect(Array.from(b)).toEqual([0, 1, 2, 254, 255]);
			expect(Array.from(rows[0]?.lit as Uint8Array)).toEqual([10, 255]);
		});

		it('round-trips jsonb and booleans', async () => {
			const { rows } = await sql<{ j: unknown; b: unknown }>`
				select ${JSON.stringify({ a: [1, 'two', null] })}::jsonb as j, true as b
			`.execute(t.handle.db);
			expect(rows[0]).toEqual({ j: { a: [1, 'two', null] }, b: true });
		});

		it('gives the raw client the same types, with both call forms', async () => {
			const a = await t.handle.raw.query("select count(*) as c, '2026-01-05'::date as d, $1::int as p", [7]);
			expect(a.rows).toEqual([{ c: 1, d: '2026-01-05', p: 7 }]);
			const b = await t.handle.raw.query({ text: 'select $1::text as s', values: ['hi'] });
			expect(b.rows).toEqual([{ s: 'hi' }]);
		});
	});
}

describe('targets', () => {
	it('runs PGlite always, and PostgreSQL when TEST_DATABASE_URL is set', () => {
		const expected: TargetName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
		expect(TARGETS).toEqual(expected);
	});
});
