/**
 * Round trips per request, pinned: the production server with DB_STATEMENT_COUNTS=true reports in
 * `X-DB-Statements` how many SQL statements each request sent (session lookup, rate limit, the
 * operation's own), on PGlite and on PostgreSQL. A change that adds a statement to a hot path fails
 * here; lower the figures when a change removes one. Why these numbers: docs/benchmarks.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import type { Client } from '../../helpers/server.ts';
import {
	type ApiServer,
	correctAnswers,
	DEMO_PASSWORD,
	FREE_CHAPTER,
	PASSWORD,
	quizKey,
	registerPremium,
	signInAdmin,
	startApiServer,
	uniqueEmail,
	wrongAnswers,
} from './fixtures.ts';

/** Statements per request, BEGIN/COMMIT aside, the session lookup and the rate limit included. */
const EXPECTED = {
	recordCheckin: 2,
	updateProgress: 2,
	getProgress: 2,
	getStreak: 2,
	dashboard: 2,
	/** Premium, failed: no daily attempt limit, one statement for the attempt, the activity day and earlier passes. */
	submitQuizUnlimited: 2,
	/** Free, failed: a daily attempt limit, so the learner's row is locked first (in a transaction). */
	submitQuizLimited: 3,
	/**
	 * A learner's first pass of a quiz, either tier: the attempt with the quiz records in one statement, then,
	 * once it is committed, a second read of them to see whether the certificate is now earned (its INSERT
	 * comes once in a learner's life; decision 0024). Limited: the row lock first.
	 */
	submitQuizFirstPassUnlimited: 3,
	submitQuizFirstPassLimited: 4,
	/** A pass of a quiz passed before: the records read by the attempt's own statement decide. */
	submitQuizRepeatPassUnlimited: 2,
	submitQuizRepeatPassLimited: 3,
};

for (const kind of DATABASE_KINDS) {
	describe(`statements per request (${kind})`, () => {
		let api: ApiServer;
		let premium: Client;
		let free: Client;
		/** Fresh learners for the passes, so that the first round's pass is their first (free: 3 attempts a day). */
		let freePassing: Client;
		let premiumPassing: Client;
		const quiz = quizKey(FREE_CHAPTER);

		beforeAll(async () => {
			// The session read from the database on every request; the cached path is pinned below.
			api = await startApiServer(kind, { DB_STATEMENT_COUNTS: 'true', SESSION_CACHE: 'off' });
			premium = api.client(false);
			await premium.login('premium@demo.test', DEMO_PASSWORD);
			free = api.client(false);
			await free.login('free@demo.test', DEMO_PASSWORD);
			freePassing = api.client(false);
			const registered = await freePassing.post('/api/v1/auth/register', {
				email: uniqueEmail('statements'),
				password: PASSWORD,
				displayName: 'Passing',
			});
			expect(registered.status, registered.text).toBe(201);
			premiumPassing = (await registerPremium(api, (await signInAdmin(api, false)).client, 'statements', false)).client;
		}, 120_000);

		afterAll(async () => {
			await api?.stop();
		});

		async function statements(client: Client, method: 'GET' | 'POST', path: string, body?: unknown): Promise<number> {
			const res = await client.request(method, path, body);
			expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(400);
			const header = res.headers.get('x-db-statements');
			expect(header, `${method} ${path} carries X-DB-Statements`).not.toBeNull();
			return Number(header);
		}

		it('pins each hot operation’s statements, first call and repeated call alike (a pass: first and repeated)', async () => {
			const seen: Record<string, number[]> = {};
			const note = (name: string, n: number) => {
				seen[name] = [...(seen[name] ?? []), n];
			};
			for (let round = 0; round < 2; round++) {
				note('recordCheckin', await statements(premium, 'POST', '/api/v1/me/streak/checkins'));
				note('updateProgress', await statements(premium, 'POST', '/api/v1/me/progress', { chapterId: FREE_CHAPTER }));
				note('getProgress', await statements(premium, 'GET', '/api/v1/me/progress'));
				note('getStreak', await statements(premium, 'GET', '/api/v1/me/streak'));
				note('dashboard', await statements(premium, 'GET', '/dashboard'));
				const [wrong, right] = [{ answers: wrongAnswers(quiz) }, { answers: correctAnswers(quiz) }];
				const attempts = `/api/v1/me/quizzes/${quiz.id}/attempts`;
				note('submitQuizUnlimited', await statements(premium, 'POST', attempts, wrong));
				note('submitQuizLimited', await statements(free, 'POST', attempts, wrong));
				const pass = round === 0 ? 'FirstPass' : 'RepeatPass';
				note(`submitQuiz${pass}Unlimited`, await statements(premiumPassing, 'POST', attempts, right));
				note(`submitQuiz${pass}Limited`, await statements(freePassing, 'POST', attempts, right));
			}
			console.info(`[statement counts, ${kind}] ${JSON.stringify(seen)}`);
			const once = (name: string) => /FirstPass|RepeatPass/.test(name);
			const expected = Object.fromEntries(Object.entries(EXPECTED).map(([name, n]) => [name, once(name) ? [n] : [n, n]]));
			expect(seen).toEqual(expected);
		});

		it('reports what a request sent, not a running total', async () => {
			const first = await statements(premium, 'GET', '/api/v1/me/streak');
			const second = await statements(premium, 'GET', '/api/v1/me/streak');
			expect(second).toBe(first);
		});
	});
}

describe.skipIf(!DATABASE_KINDS.includes('postgres'))('statements per request with the session cache (postgres)', () => {
	let api: ApiServer;
	let premium: Client;

	beforeAll(async () => {
		api = await startApiServer('postgres', { DB_STATEMENT_COUNTS: 'true' });
		premium = api.client(false);
		await premium.login('premium@demo.test', DEMO_PASSWORD);
	}, 120_000);

	afterAll(async () => {
		await api?.stop();
	});

	it('sends one statement fewer once the session is in memory: the operation’s own', async () => {
		const count = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
			const res = await premium.request(method, path, body);
			expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBeLessThan(400);
			return Number(res.headers.get('x-db-statements'));
		};
		// The cache serves nothing until its change feed is confirmed and the sign-in's own writes are a second old.
		const deadline = Date.now() + 10_000;
		while ((await count('GET', '/api/v1/me/streak')) !== EXPECTED.getStreak - 1) {
			expect(Date.now(), 'the session cache never served the session').toBeLessThan(deadline);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const seen = {
			recordCheckin: await count('POST', '/api/v1/me/streak/checkins'),
			updateProgress: await count('POST', '/api/v1/me/progress', { chapterId: FREE_CHAPTER }),
			getProgress: await count('GET', '/api/v1/me/progress'),
			getStreak: await count('GET', '/api/v1/me/streak'),
			dashboard: await count('GET', '/dashboard'),
		};
		expect(seen).toEqual({
			recordCheckin: EXPECTED.recordCheckin - 1,
			updateProgress: EXPECTED.updateProgress - 1,
			getProgress: EXPECTED.getProgress - 1,
			getStreak: EXPECTED.getStreak - 1,
			dashboard: EXPECTED.dashboard - 1,
		});
	});
});
