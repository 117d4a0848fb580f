/**
 * The class list at school size, on PostgreSQL: 3,000 learners with activity, completions and quiz
 * attempts written straight into the database, then listLearners sorted by each key, filtered and
 * exported. The statement count per request stays constant (no N+1) and is pinned with
 * DB_STATEMENT_COUNTS; the timings are printed for docs. PGlite runs the same SQL in instructor.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../helpers/server.ts';
import { type ApiServer, FREE_CHAPTER, signInAdmin, startApiServer } from './fixtures.ts';

const LEARNERS = 3000;

describe.skipIf(!process.env.TEST_DATABASE_URL)('postgres: instructor views over 3,000 learners', () => {
	let api: ApiServer;
	let admin: Client;

	beforeAll(async () => {
		// The counts below include the session's read; with the session in memory (statement-counts.test.ts) it is one fewer.
		api = await startApiServer('postgres', { DB_STATEMENT_COUNTS: 'true', SESSION_CACHE: 'off' });
		admin = (await signInAdmin(api, false)).client;
		const db = new pg.Client({ connectionString: api.database.url });
		await db.connect();
		try {
			await db.query(
				`INSERT INTO users (id, email, password_hash, display_name, tier)
				 SELECT 'scale-' || i, 'scale-' || i || '@example.test', 'x', 'Learner ' || lpad(i::text, 4, '0'),
					(ARRAY['free','premium','pro','team'])[1 + i % 4]
				 FROM generate_series(1, $1::int) AS i`,
				[LEARNERS],
			);
			// Learner i was active on the last (i % 20) days and completed i % 3 chapters of the fixture course.
			await db.query(
				`INSERT INTO activity_days (user_id, day, first_source)
				 SELECT 'scale-' || i, current_date - d, 'checkin'
				 FROM generate_series(1, $1::int) AS i, generate_series(0, 19) AS d WHERE d < i % 20`,
				[LEARNERS],
			);
			await db.query(
				`INSERT INTO chapter_completions (user_id, chapter_id)
				 SELECT 'scale-' || i, c FROM generate_series(1, $1::int) AS i,
					unnest(ARRAY[$2::text, 'what-is-an-agent']) WITH ORDINALITY AS t(c, n) WHERE n <= i % 3`,
				[LEARNERS, FREE_CHAPTER],
			);
			await db.query(
				`INSERT INTO quiz_attempts (user_id, quiz_id, answers, score, total, percent, passed, local_date)
				 SELECT 'scale-' || i, $2, '{}'::jsonb, i % 7, 6, (100 * (i % 7) / 6), (i % 7) >= 5, current_date
				 FROM generate_series(1, $1::int) AS i`,
				[LEARNERS, FREE_CHAPTER],
			);
		} finally {
			await db.end();
		}
	}, 180_000);

	afterAll(async () => {
		await api?.stop();
	});

	it('sorts, filters and pages every learner in a constant number of statements', async () => {
		const timings: string[] = [];
		for (const query of [
			'sort=name',
			'sort=progress',
			'sort=lastActive',
			'tier=free&activity=inactive',
			'sort=progress&limit=200&offset=2800',
		]) {
			const started = performance.now();
			const res = await admin.get(`/api/v1/admin/learners?${query}`);
			const ms = performance.now() - started;
			expect(res.status, res.text).toBe(200);
			// Session, the sorted page with its total, the page's activity, freezes and best scores.
			expect(res.headers.get('x-db-statements'), query).toBe('3');
			timings.push(`${query}: ${ms.toFixed(0)} ms`);
			if (query === 'sort=progress') {
				expect(res.json.total).toBe(LEARNERS + 2);
				expect(res.json.learners[0].chaptersCompleted).toBe(2);
			}
			if (query.startsWith('tier=free')) {
				// Free is i % 4 = 0; every learner with i % 20 > 0 was active today, so the inactive free ones are
				// i % 20 = 0 (150 of them) and the seeded free learner.
				expect(res.json.total).toBe(LEARNERS / 20 + 1);
			}
		}
		const started = performance.now();
		const csv = await admin.get('/api/v1/admin/learners/export');
		timings.push(`export: ${(performance.now() - started).toFixed(0)} ms, ${csv.text.length} characters`);
		expect(csv.status).toBe(200);
		expect(csv.text.trimEnd().split('\r\n')).toHaveLength(LEARNERS + 2 + 1);
		console.info(`[postgres] ${LEARNERS} learners: ${timings.join('; ')}`);
	});
});
