/**
 * Migration 0015: the admin learner search (`listUsers`) is served by the trigram indexes on PGlite and on
 * PostgreSQL, and finds the same accounts as before (substring, case-insensitive, wildcards literal).
 */
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountCondition } from '../../../src/server/repositories/account-lists.ts';
import { listLearnerRows } from '../../../src/server/repositories/instructor.ts';
import { listUsers } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, type TestDatabase } from './harness.ts';

for (const target of TARGETS) {
	describe(`${target}: admin search indexes`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target);
			await sql`
				insert into users (id, email, password_hash, display_name)
				select 'u' || i, 'learner' || i || '@example.test', 'x', 'Learner Number ' || i from generate_series(1, 3000) as i
			`.execute(t.handle.db);
			await sql`insert into users (id, email, password_hash, display_name) values ('odd', 'ada_l%x@example.test', 'x', 'Ada LOVELACE')`.execute(
				t.handle.db,
			);
			await sql`analyze users`.execute(t.handle.db);
		}, 120_000);
		afterAll(async () => {
			await t?.cleanup();
		});

		it('has a trigram GIN index on email and on display_name', async () => {
			const { rows } = await sql<{ indexname: string; indexdef: string }>`
				select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = 'users' and indexname like '%trgm%' order by indexname
			`.execute(t.handle.db);
			expect(rows.map((r) => r.indexname)).toEqual(['users_display_name_trgm_idx', 'users_email_trgm_idx']);
			for (const r of rows) expect(r.indexdef).toMatch(/USING gin \(\w+ "?\w+"?\."?gin_trgm_ops"?\)/);
		});

		it('plans the search as a bitmap scan of both indexes, not a scan of the table', async () => {
			const query = t.handle.db
				.selectFrom('users')
				.select('id')
				.where(accountCondition({ query: 'lovelace' }, 'users'))
				.compile();
			const plan = await t.handle.db.transaction().execute(async (trx) => {
				// The table is small here: forbid the sequential scan so the plan shows whether the index CAN serve the pattern.
				await sql`set local enable_seqscan = off`.execute(trx);
				const { rows } = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
				return rows.map((r) => Object.values(r)[0]).join('\n');
			});
			expect(plan).toContain('users_email_trgm_idx');
			expect(plan).toContain('users_display_name_trgm_idx');
			expect(plan).not.toMatch(/Seq Scan/);
		});

		it('finds the same accounts: substring of either field, any case, wildcards taken literally', async () => {
			expect((await listUsers(t.handle.db, { query: 'LOVELACE', limit: 5, offset: 0 })).users.map((u) => u.id)).toEqual(['odd']);
			expect((await listUsers(t.handle.db, { query: 'l%x', limit: 5, offset: 0 })).users.map((u) => u.id)).toEqual(['odd']);
			expect((await listUsers(t.handle.db, { query: 'a_l', limit: 5, offset: 0 })).users.map((u) => u.id)).toEqual(['odd']);
			const hits = await listUsers(t.handle.db, { query: 'number 299', limit: 20, offset: 0 });
			expect(hits.total).toBe(11);
			expect(hits.users.map((u) => u.email)).toEqual([...hits.users.map((u) => u.email)].sort());
			expect((await listUsers(t.handle.db, { query: '', limit: 1, offset: 0 })).total).toBe(3001);
		});

		it("the admin's list and the class list page one filter alike: the same accounts, the same total, past the end too", async () => {
			const classList = (query: string, limit: number, offset: number) =>
				listLearnerRows(t.handle.db, {
					chapterIds: [],
					sort: 'name',
					order: 'asc',
					filter: { query },
					activeSince: '2026-01-01',
					page: { limit, offset },
				});
			const admin = await listUsers(t.handle.db, { query: 'number 299', limit: 20, offset: 0 });
			const learners = await classList('number 299', 20, 0);
			expect(learners.total).toBe(admin.total);
			expect(learners.rows.map((r) => r.id).sort()).toEqual(admin.users.map((u) => u.id).sort());
			// A page past the end is empty but still knows the total.
			expect(await listUsers(t.handle.db, { query: 'number 299', limit: 5, offset: 50 })).toEqual({ users: [], total: 11 });
			expect(await classList('number 299', 5, 50)).toEqual({ rows: [], total: 11 });
		});
	});
}
