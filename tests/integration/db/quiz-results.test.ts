/**
 * quiz_results (migration 0017): the triggers keep one row per learner and quiz equal to the aggregate of
 * that learner's attempts, whatever order the attempts arrive in, after deletes, after an update that moves
 * an attempt, under concurrent submissions and concurrent deletes (PostgreSQL), for a writer in another
 * schema, through every kind of TRUNCATE, and from the backfill of attempts made before the migration. The oracle is the aggregate over quiz_attempts that the learner views ran before the table.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as quizResults from '../../../src/server/db/migrations/0017_quiz_results.ts';
import { insertAttempt, recordAttempt } from '../../../src/server/repositories/quizzes.ts';
import { createUser } from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, TEST_DATABASE_URL, type TestDatabase, uniqueEmail } from './harness.ts';

interface Result {
	user_id: string;
	quiz_id: string;
	best: number;
	latest: number;
	attempts: number;
	first_passed_at: string | null;
}

const T0 = Date.parse('2026-03-01T10:00:00Z');

for (const target of TARGETS) {
	describe(`${target}: quiz_results`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target);
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		/** The table, and the aggregate it stands for, for these learners. */
		async function both(userIds: string[]): Promise<{ table: Result[]; aggregate: Result[] }> {
			const ids = sql.join(userIds);
			const table = await sql<Result>`
				SELECT user_id, quiz_id, best, latest, attempts, first_passed_at::text AS first_passed_at
				FROM quiz_results WHERE user_id IN (${ids}) ORDER BY user_id, quiz_id`.execute(t.handle.db);
			const aggregate = await sql<Result>`
				SELECT user_id, quiz_id, max(percent) AS best, (array_agg(percent ORDER BY created_at DESC, id DESC))[1] AS latest,
					count(*)::int AS attempts, (min(created_at) FILTER (WHERE passed))::text AS first_passed_at
				FROM quiz_attempts WHERE user_id IN (${ids}) GROUP BY user_id, quiz_id ORDER BY user_id, quiz_id`.execute(t.handle.db);
			return { table: table.rows, aggregate: aggregate.rows };
		}

		async function learner(): Promise<string> {
			return (await createUser(t.handle.db, { email: uniqueEmail('results'), passwordHash: 'x', displayName: 'R' })).id;
		}

		async function attempt(userId: string, quizId: string, percent: number, minutes: number): Promise<number> {
			const row = await insertAttempt(t.handle.db, {
				userId,
				quizId,
				answers: {},
				score: percent,
				total: 100,
				percent,
				passed: percent >= 70,
				localDate: '2026-03-01',
				now: new Date(T0 + minutes * 60_000),
			});
			return row.id;
		}

		it('adds each attempt: best, the latest by time (not by arrival), the count and the first pass', async () => {
			const [a, b] = [await learner(), await learner()];
			await attempt(a, 'q1', 40, 10);
			await attempt(a, 'q1', 90, 30);
			await attempt(a, 'q1', 60, 20); // made earlier, arrives last: not the latest
			await attempt(a, 'q1', 75, 5); // the earliest pass
			await attempt(a, 'q2', 10, 1);
			await attempt(b, 'q1', 80, 1);
			const { table, aggregate } = await both([a, b]);
			expect(table).toEqual(aggregate);
			expect(table.find((r) => r.user_id === a && r.quiz_id === 'q1')).toMatchObject({ best: 90, latest: 90, attempts: 4 });
			expect(table.find((r) => r.user_id === a && r.quiz_id === 'q2')).toMatchObject({ first_passed_at: null, attempts: 1 });
		});

		it('breaks a tie in time by the later attempt id, as the aggregate does', async () => {
			const a = await learner();
			await attempt(a, 'q1', 50, 0);
			await attempt(a, 'q1', 20, 0);
			const { table, aggregate } = await both([a]);
			expect(table).toEqual(aggregate);
			expect(table[0]?.latest).toBe(20);
		});

		it('recounts after deletes and after an update that moves an attempt to another quiz', async () => {
			const a = await learner();
			const first = await attempt(a, 'q1', 95, 1);
			await attempt(a, 'q1', 30, 2);
			const moved = await attempt(a, 'q1', 55, 3);
			await attempt(a, 'q3', 20, 4);
			await t.handle.db.deleteFrom('quiz_attempts').where('id', '=', first).execute();
			await sql`UPDATE quiz_attempts SET quiz_id = 'q3' WHERE id = ${moved}`.execute(t.handle.db);
			const { table, aggregate } = await both([a]);
			expect(table).toEqual(aggregate);
			expect(table.find((r) => r.quiz_id === 'q1')).toMatchObject({ best: 30, attempts: 1, first_passed_at: null });
			await t.handle.db.deleteFrom('quiz_attempts').where('user_id', '=', a).where('quiz_id', '=', 'q1').execute();
			expect((await both([a])).table.map((r) => r.quiz_id)).toEqual(['q3']);
		});

		// The foreign key's cascade, not a trigger: checks that the migration declared it.
		it('goes with the learner', async () => {
			const a = await learner();
			await attempt(a, 'q1', 50, 0);
			await t.handle.db.deleteFrom('users').where('id', '=', a).execute();
			expect((await both([a])).table).toEqual([]);
		});

		it('is backfilled from the attempts made before the migration', async () => {
			const a = await learner();
			await attempt(a, 'q1', 50, 0);
			await attempt(a, 'q1', 80, 1);
			await quizResults.down(t.handle.db);
			await attempt(a, 'q2', 70, 2); // no triggers now
			await t.handle.db.transaction().execute((trx) => quizResults.up(trx));
			const { table, aggregate } = await both([a]);
			expect(table).toEqual(aggregate);
			expect(table).toHaveLength(2);
		});

		if (target === 'postgres') {
			it('counts every one of many concurrent submissions to one quiz', async () => {
				const a = await learner();
				await Promise.all(
					Array.from({ length: 24 }, (_, i) =>
						recordAttempt(t.handle.db, {
							userId: a,
							quizId: 'q1',
							answers: {},
							score: i,
							total: 24,
							percent: Math.round((i / 24) * 100),
							passed: i >= 18,
							localDate: '2026-03-01',
							now: new Date(T0 + (i % 5) * 1000),
							dailyLimit: null,
							askPassedBefore: true,
						}),
					),
				);
				const { table, aggregate } = await both([a]);
				expect(table).toEqual(aggregate);
				expect(table[0]?.attempts).toBe(24);
			});

			/** A client of its own on the suite's schema (or, with `schema: null`, on the server's default search_path). */
			async function client(schema: string | null = t.schema ?? null): Promise<pg.Client> {
				const url = new URL(TEST_DATABASE_URL as string);
				if (schema) url.searchParams.set('options', `-c search_path=${schema}`);
				const c = new pg.Client({ connectionString: url.toString() });
				await c.connect();
				return c;
			}

			it('recounts right when two transactions delete attempts of one quiz at once', async () => {
				const a = await learner();
				const ids = [await attempt(a, 'q1', 90, 1), await attempt(a, 'q1', 50, 2), await attempt(a, 'q1', 30, 3)];
				const [one, two] = [await client(), await client()];
				try {
					await one.query('BEGIN');
					await two.query('BEGIN');
					await one.query('DELETE FROM quiz_attempts WHERE id = $1', [ids[0]]);
					// Waits for the first transaction: its recount would otherwise still count the first attempt.
					const second = two.query('DELETE FROM quiz_attempts WHERE id = $1', [ids[1]]);
					await new Promise((resolve) => setTimeout(resolve, 100));
					await one.query('COMMIT');
					await second;
					await two.query('COMMIT');
				} finally {
					await one.end();
					await two.end();
				}
				const { table, aggregate } = await both([a]);
				expect(table).toEqual(aggregate);
				expect(table[0]).toMatchObject({ best: 30, attempts: 1 });
			});

			it('keeps the table of its own schema for a writer whose search_path is elsewhere', async () => {
				const a = await learner();
				const other = await client(null);
				try {
					await other.query(
						`INSERT INTO "${t.schema}".quiz_attempts (user_id, quiz_id, answers, score, total, percent, passed, local_date)
						VALUES ($1, 'q1', '{}', 1, 1, 100, true, '2026-03-01')`,
						[a],
					);
					await other.query(`DELETE FROM "${t.schema}".quiz_attempts WHERE user_id = $1`, [a]);
					await other.query(
						`INSERT INTO "${t.schema}".quiz_attempts (user_id, quiz_id, answers, score, total, percent, passed, local_date)
						VALUES ($1, 'q2', '{}', 0, 1, 0, false, '2026-03-01')`,
						[a],
					);
				} finally {
					await other.end();
				}
				const { table, aggregate } = await both([a]);
				expect(table).toEqual(aggregate);
				expect(table.map((r) => r.quiz_id)).toEqual(['q2']);
			});
		}

		// Last: these empty the tables.
		it('is emptied by every kind of TRUNCATE, cascading or listing both tables', async () => {
			const a = await learner();
			await attempt(a, 'q1', 50, 0);
			await sql`TRUNCATE quiz_attempts`.execute(t.handle.db);
			expect((await both([a])).table).toEqual([]);
			await attempt(a, 'q1', 50, 0);
			await sql`TRUNCATE quiz_attempts, quiz_results`.execute(t.handle.db);
			expect((await both([a])).table).toEqual([]);
			await attempt(a, 'q1', 50, 0);
			await sql`TRUNCATE users CASCADE`.execute(t.handle.db);
			expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM quiz_results`.execute(t.handle.db)).rows[0]?.n).toBe(0);
		});
	});
}
