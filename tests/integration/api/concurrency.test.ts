/**
 * Bursts of identical requests, as a double-clicking browser or a retrying ChatGPT would send:
 * idempotent writes count once and the free tier's daily quiz limit holds under concurrency.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import {
	type ApiServer,
	answersScoring,
	FREE_CHAPTER,
	type Learner,
	PREMIUM_CHAPTER,
	quizKey,
	registerLearner,
	registerPremium,
	signInAdmin,
	startApiServer,
} from './fixtures.ts';

const count = <T>(items: T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

/** Rows in a table for one user, read straight from Postgres (PGlite's directory belongs to the server process). */
async function rowsFor(api: ApiServer, table: 'activity_days' | 'chapter_completions' | 'quiz_attempts', userId: string) {
	if (!api.database.url) return null;
	const client = new pg.Client({ connectionString: api.database.url });
	await client.connect();
	try {
		const res = await client.query(`select count(*)::int as n from ${table} where user_id = $1`, [userId]);
		return res.rows[0].n as number;
	} finally {
		await client.end();
	}
}

describe.each(DATABASE_KINDS)('%s: concurrency', (kind) => {
	let api: ApiServer;
	let admin: Learner;
	beforeAll(async () => {
		api = await startApiServer(kind);
		admin = await signInAdmin(api);
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('50 parallel check-ins record exactly one activity day', async () => {
		const { client, id } = await registerLearner(api, 'checkins');
		const responses = await Promise.all(Array.from({ length: 50 }, () => client.post('/api/v1/me/streak/checkins')));
		expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
		expect(count(responses, (r) => r.json.recorded === true)).toBe(1);
		expect(new Set(responses.map((r) => r.json.current))).toEqual(new Set([1]));
		const streak = (await client.get('/api/v1/me/streak')).json;
		expect(streak).toMatchObject({ current: 1, longest: 1, todayDone: true, lastActiveDay: streak.today });
		expect((await client.post('/api/v1/me/streak/checkins')).json.recorded).toBe(false);
		if (kind === 'postgres') expect(await rowsFor(api, 'activity_days', id)).toBe(1);
	});

	it('20 parallel completions of one chapter: exactly one changed:true, one completion stored', async () => {
		const { client, id } = await registerLearner(api, 'completions');
		const responses = await Promise.all(Array.from({ length: 20 }, () => client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER })));
		expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
		expect(count(responses, (r) => r.json.changed === true)).toBe(1);
		const progress = (await client.get('/api/v1/me/progress')).json;
		expect(progress.completedChapters).toHaveLength(1);
		expect(progress.percentComplete).toBe(10);
		const times = new Set(responses.map((r) => JSON.stringify(r.json.completedChapters)));
		expect(times.size).toBe(1);
		if (kind === 'postgres') expect(await rowsFor(api, 'chapter_completions', id)).toBe(1);
	});

	it('10 parallel submissions by a premium learner: all 10 graded and stored, none lost', async () => {
		const { client, id } = await registerPremium(api, admin.client, 'premium-burst');
		const key = quizKey(PREMIUM_CHAPTER);
		const responses = await Promise.all(
			Array.from({ length: 10 }, (_, i) =>
				client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: answersScoring(key, i % (key.questions.length + 1)) }),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
		const ids = responses.map((r) => r.json.attemptId as number);
		expect(new Set(ids).size).toBe(10);
		const results = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
		expect(results.attempts).toHaveLength(10);
		expect(results.attempts.map((a: { attemptId: number }) => a.attemptId).sort((a: number, b: number) => a - b)).toEqual(
			[...ids].sort((a, b) => a - b),
		);
		expect(results.bestPercent).toBe(Math.max(...responses.map((r) => r.json.percent as number)));
		if (kind === 'postgres') expect(await rowsFor(api, 'quiz_attempts', id)).toBe(10);
	});

	it('10 parallel submissions by a free learner: exactly 3 accepted, 7 refused with 429 (the daily limit holds)', async () => {
		const { client, id } = await registerLearner(api, 'free-burst');
		const key = quizKey(FREE_CHAPTER);
		const responses = await Promise.all(
			Array.from({ length: 10 }, (_, i) => client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: answersScoring(key, i % 3) })),
		);
		const accepted = responses.filter((r) => r.status === 201);
		const refused = responses.filter((r) => r.status === 429);
		expect(accepted).toHaveLength(3);
		expect(refused).toHaveLength(7);
		for (const r of refused) {
			expect(r.json.error.code).toBe('attempt_limit_reached');
			expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
		}
		expect(accepted.map((r) => r.json.attemptsLeftToday).sort()).toEqual([0, 1, 2]);
		const results = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
		expect(results.attempts).toHaveLength(3);
		expect(results.attemptsLeftToday).toBe(0);
		if (kind === 'postgres') expect(await rowsFor(api, 'quiz_attempts', id)).toBe(3);
	});

	it('two learners bursting at once do not block or count against each other', async () => {
		const [a, b] = await Promise.all([registerLearner(api, 'pair-a'), registerLearner(api, 'pair-b')]);
		const key = quizKey('what-is-an-agent');
		const burst = (learner: Learner) =>
			Array.from({ length: 5 }, () => learner.client.post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: answersScoring(key, 1) }));
		const responses = await Promise.all([...burst(a), ...burst(b)]);
		expect(count(responses.slice(0, 5), (r) => r.status === 201)).toBe(3);
		expect(count(responses.slice(5), (r) => r.status === 201)).toBe(3);
	});

	it('checked every response above against /openapi.json (ConformingClient)', () => {
		expect(api.conformance.checked).toBeGreaterThan(100);
	});
});
