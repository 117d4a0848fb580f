/**
 * Question pools, shuffled options, partial credit, short and numeric questions through the real server, on
 * the sourdough fixture course (its starter quiz draws 4 of 6 questions; its flour-and-water quiz shuffles
 * options, scores "select all" questions with partial credit and has a short and a numeric question): the
 * API (responses checked against /openapi.json) and the plain form post agree with the private key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuizKey } from '../../../src/domain/grading.ts';
import { attemptQuestions } from '../../../src/domain/quiz-draw.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { buildFixtureCourse, FIXTURE_COURSES_DIR, ROOT } from '../../helpers/fixture-build.ts';
import { Conformance, ConformingClient, type OpenApiDocument } from '../../helpers/openapi-conformance.ts';
import { Client, type RunningServer, startServer } from '../../helpers/server.ts';
import { DEMO_PASSWORD, PASSWORD, uniqueEmail } from './fixtures.ts';

const COURSE = path.join(FIXTURE_COURSES_DIR, 'sourdough');
const OUT = path.join(ROOT, '.test-build/sourdough');
const key = (id: string) => JSON.parse(readFileSync(path.join(OUT, 'private', 'quizzes', `${id}.json`), 'utf8')) as QuizKey;

type ShownQuestion = { id: string; type: string; options: { id: string; text: string }[] };

/** The right answer to each question as a learner would send it. */
function rightAnswers(quiz: QuizKey, ids: string[]): Record<string, string[]> {
	return Object.fromEntries(
		ids.map((id) => {
			const q = quiz.questions.find((x) => x.id === id);
			if (!q) throw new Error(`no question ${id}`);
			if (q.type === 'short') return [id, [q.accept?.[0] ?? '']];
			if (q.type === 'numeric') return [id, [String(q.answer)]];
			return [id, q.correct];
		}),
	);
}

beforeAll(() => {
	buildFixtureCourse(COURSE, OUT);
}, 300_000);

describe.each(DATABASE_KINDS)('%s: question types', (kind) => {
	let server: RunningServer;
	let database: TestDatabase;
	let conformance: Conformance;
	beforeAll(async () => {
		database = await createTestDatabase(kind);
		server = await startServer({
			databaseUrl: database.url,
			env: { DIST_DIR: OUT, PRIVATE_CONTENT_DIR: path.join(OUT, 'private'), TEST_CLOCK: 'header' },
		});
		conformance = new Conformance((await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApiDocument);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
	});

	/** A new learner; `checked`: every response is checked against /openapi.json (API calls only, not pages). */
	async function learner(tag: string, checked = true): Promise<Client> {
		const client = checked ? new ConformingClient(server.url, conformance) : new Client(server.url);
		const res = await client.post('/api/v1/auth/register', { email: uniqueEmail(tag), password: PASSWORD, displayName: tag });
		expect(res.status).toBe(201);
		return client;
	}
	const start = async (client: Client, quizId: string) => {
		const res = await client.post(`/api/v1/me/quizzes/${quizId}/start`);
		expect(res.status, res.text).toBe(200);
		return res.json as { questionCount: number; poolSize: number; questions: ShownQuestion[] };
	};
	const submit = (client: Client, quizId: string, answers: Record<string, unknown>) =>
		client.post(`/api/v1/me/quizzes/${quizId}/attempts`, { answers });
	/** The seed stored with the learner's latest attempt (read straight from Postgres). */
	async function storedSeed(quizId: string): Promise<number | null | undefined> {
		if (!database.url) return undefined;
		const db = new pg.Client({ connectionString: database.url });
		await db.connect();
		try {
			const { rows } = await db.query('SELECT seed FROM quiz_attempts WHERE quiz_id = $1 ORDER BY id DESC LIMIT 1', [quizId]);
			return rows[0]?.seed ?? null;
		} finally {
			await db.end();
		}
	}

	it('a pool draws N questions per attempt, the same ones until submitted, graded on those only', async () => {
		const pool = key('starter');
		expect(pool.draw).toBe(4);
		const client = await learner('pool');
		const first = await start(client, 'starter');
		expect(first.questionCount).toBe(4);
		expect(first.poolSize).toBe(pool.questions.length);
		const ids = first.questions.map((q) => q.id);
		expect(ids).toEqual(pool.questions.map((q) => q.id).filter((id) => ids.includes(id)));
		expect((await start(client, 'starter')).questions).toEqual(first.questions);

		const left = pool.questions.find((q) => !ids.includes(q.id));
		const stray = await submit(client, 'starter', { ...rightAnswers(pool, ids), ...rightAnswers(pool, [left?.id as string]) });
		expect(stray.status).toBe(400);
		expect(stray.json.error.details).toEqual([
			expect.objectContaining({
				questionId: left?.id,
				code: 'unknown_question',
				message: `Question "${left?.id}" is not part of this attempt.`,
			}),
		]);

		const graded = await submit(client, 'starter', rightAnswers(pool, ids));
		expect(graded.status, graded.text).toBe(201);
		expect(graded.json).toMatchObject({ score: 4, total: 4, percent: 100, passed: true });
		expect(graded.json.questions.map((q: { id: string }) => q.id)).toEqual(ids);
		const seed = await storedSeed('starter');
		if (seed !== undefined) {
			expect(typeof seed).toBe('number');
			expect(attemptQuestions(pool, seed as number).map((q) => q.id)).toEqual(ids);
		}
		// The attempt consumed its draw: answers without a new start cannot be graded.
		const again = await submit(client, 'starter', rightAnswers(pool, ids));
		expect(again.status).toBe(409);
		expect(again.json.error.code).toBe('quiz_not_started');
		expect((await start(client, 'starter')).questionCount).toBe(4);
	});

	it('over many attempts every question of the pool is drawn', async () => {
		const pool = key('starter');
		const seen = new Set<string>();
		// Draws are random: with 4 of 6 per attempt, one question is missed by all of n attempts with probability
		// (1/3)^n, so 6 attempts failed about 1 run in 120; 40 make that negligible and usually stop after 3 or 4.
		for (let i = 0; i < 40 && seen.size < pool.questions.length; i++) {
			for (const q of (await start(await learner(`pool-${i}`), 'starter')).questions) seen.add(q.id);
		}
		expect(seen.size).toBe(pool.questions.length);
	});

	it("item analysis counts a pool's question only over the attempts that drew it", async () => {
		const admin = new ConformingClient(server.url, conformance);
		await admin.login('admin@demo.test', DEMO_PASSWORD);
		type Figures = { questionId: string; firstAttempts: number; firstAttemptsCorrect: number; wrongFirstAttempts: number };
		const figures = async () => {
			const res = await admin.get('/api/v1/admin/quizzes/starter/statistics');
			expect(res.status, res.text).toBe(200);
			return new Map((res.json.questions as Figures[]).map((q) => [q.questionId, q]));
		};
		const before = await figures();
		// New learners, each answering every question of their draw right on their first attempt.
		const asked = new Map<string, number>();
		for (let i = 0; i < 4; i++) {
			const client = await learner(`stats-${i}`);
			const ids = (await start(client, 'starter')).questions.map((q) => q.id);
			for (const id of ids) asked.set(id, (asked.get(id) ?? 0) + 1);
			expect((await submit(client, 'starter', rightAnswers(key('starter'), ids))).status).toBe(201);
		}
		const after = await figures();
		for (const q of key('starter').questions) {
			const [was, now] = [before.get(q.id) as Figures, after.get(q.id) as Figures];
			const drawnFor = asked.get(q.id) ?? 0;
			expect(now.firstAttempts - was.firstAttempts, q.id).toBe(drawnFor);
			expect(now.firstAttemptsCorrect - was.firstAttemptsCorrect, q.id).toBe(drawnFor);
			expect(now.wrongFirstAttempts - was.wrongFirstAttempts, `${q.id}: not drawn is not wrong`).toBe(0);
		}
	});

	it('shuffled options grade by id, whatever order the learner saw', async () => {
		const quiz = key('flour-and-water');
		const orders = new Set<string>();
		for (let i = 0; i < 3; i++) {
			const client = await learner(`shuffle-${i}`);
			const shown = await start(client, 'flour-and-water');
			expect(shown.questionCount).toBe(quiz.questions.length);
			for (const q of shown.questions) {
				const authored = quiz.questions.find((x) => x.id === q.id);
				expect([...q.options.map((o) => o.id)].sort()).toEqual([...(authored?.options.map((o) => o.id) ?? [])].sort());
				if (q.type === 'true_false') expect(q.options.map((o) => o.id)).toEqual(['true', 'false']);
			}
			orders.add(JSON.stringify(shown.questions.map((q) => q.options.map((o) => o.id))));
			const graded = await submit(
				client,
				'flour-and-water',
				rightAnswers(
					quiz,
					shown.questions.map((q) => q.id),
				),
			);
			expect(graded.status, graded.text).toBe(201);
			expect(graded.json).toMatchObject({ score: quiz.questions.length, percent: 100 });
			const seed = await storedSeed('flour-and-water');
			if (seed !== undefined) {
				expect(JSON.stringify(attemptQuestions(quiz, seed as number).map((q) => q.options.map((o) => o.id)))).toBe(
					JSON.stringify(shown.questions.map((q) => q.options.map((o) => o.id))),
				);
			}
		}
		// Four shuffled questions of three or four options: three learners all seeing one order is (1/576)² likely.
		expect(orders.size).toBeGreaterThan(1);
		// Shuffling alone does not stop a client that read the quiz (getQuiz) from submitting without a start.
		const direct = await submit(
			await learner('shuffle-direct'),
			'flour-and-water',
			rightAnswers(
				quiz,
				quiz.questions.map((q) => q.id),
			),
		);
		expect(direct.status).toBe(201);
	});

	it("partial credit: Moodle's rule on the multiple question, summed into the score", async () => {
		const quiz = key('flour-and-water');
		expect(quiz.multipleScoring).toBe('partial');
		const ids = quiz.questions.map((q) => q.id);
		const right = rightAnswers(quiz, ids);
		const client = await learner('partial');
		// more-water: 2 right (more-whole-wheat, bread-flour), 2 wrong options.
		const half = await submit(client, 'flour-and-water', { ...right, 'more-water': ['more-whole-wheat'] });
		expect(half.status).toBe(201);
		const q = half.json.questions.find((x: { id: string }) => x.id === 'more-water');
		expect(q).toMatchObject({ correct: false, credit: 0.5, selected: ['more-whole-wheat'] });
		expect(half.json.score).toBe(ids.length - 0.5);
		expect(half.json.percent).toBe(Math.round((100 * (ids.length - 0.5)) / ids.length));
		const cancelled = await submit(client, 'flour-and-water', { ...right, 'more-water': ['more-whole-wheat', 'more-salt'] });
		expect(cancelled.json.questions.find((x: { id: string }) => x.id === 'more-water')?.credit).toBe(0);
	});

	it('short and numeric answers through the API: forgiving where it should be, refusing what is not a number', async () => {
		const quiz = key('flour-and-water');
		const right = rightAnswers(
			quiz,
			quiz.questions.map((q) => q.id),
		);
		const client = await learner('written');
		const ok = await submit(client, 'flour-and-water', { ...right, 'rest-name': '  AutoLyse! ', 'hydration-number': '75,4' });
		expect(ok.status, ok.text).toBe(201);
		const byId = Object.fromEntries(ok.json.questions.map((x: { id: string }) => [x.id, x]));
		expect(byId['rest-name']).toMatchObject({ correct: true, selected: ['AutoLyse!'] });
		expect(byId['hydration-number']).toMatchObject({ correct: true, selected: ['75,4'] });
		const asNumber = await submit(client, 'flour-and-water', { ...right, 'hydration-number': 76 });
		expect(asNumber.status).toBe(201);
		const miss = asNumber.json.questions.find((x: { id: string }) => x.id === 'hydration-number');
		expect(miss).toMatchObject({
			correct: false,
			selected: ['76'],
			feedback: { answer: 'Divide the water by the flour and multiply by 100.' },
		});
		// Revealed: this learner passed with the first submission.
		expect(miss).toMatchObject({ correctAnswer: '75 (± 0.5)' });
		for (const [text, code] of [
			['1,000', 'ambiguous_number'],
			['seventy-five', 'not_a_number'],
		]) {
			const refused = await submit(client, 'flour-and-water', { ...right, 'hydration-number': text });
			expect(refused.status).toBe(400);
			expect(refused.json.error.details[0]).toMatchObject({ questionId: 'hydration-number', code });
		}
		const blank = await submit(client, 'flour-and-water', { ...right, 'rest-name': '   ' });
		expect(blank.json.error.details[0]).toMatchObject({ questionId: 'rest-name', code: 'missing_answer' });
	});

	it('the plain form post grades short, numeric, partial and pooled answers, and the page shows the drawn questions', async () => {
		const quiz = key('flour-and-water');
		const client = await learner('form', false);
		const page = await client.get('/learn/quizzes/flour-and-water');
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/<input type="text" name="rest-name"[^>]*required/);
		expect(page.text).toMatch(/name="hydration-number"[^>]*inputmode="decimal"/);
		const fields: [string, string][] = [];
		for (const q of quiz.questions) {
			if (q.id === 'rest-name') fields.push([q.id, 'Autolysis']);
			else if (q.id === 'hydration-number') fields.push([q.id, '75']);
			else if (q.id === 'more-water') fields.push([q.id, 'bread-flour']);
			else for (const id of q.correct) fields.push([q.id, id]);
		}
		const result = await client.postForm('/quizzes/flour-and-water/result', fields);
		expect(result.status, result.text.slice(0, 500)).toBe(200);
		expect(result.text).toContain(`— ${quiz.questions.length - 0.5} of ${quiz.questions.length}`);
		expect(result.text).toMatch(/data-question="more-water" data-correct="false" data-credit="0.5"/);
		expect(result.text).toContain('◐ Partly correct (0.5 of 1)');
		expect(result.text).toContain('Your answer: Autolysis');

		const blank = await client.postForm('/quizzes/flour-and-water/result', [
			...fields.filter(([n]) => n !== 'rest-name'),
			['rest-name', ''],
		]);
		expect(blank.status).toBe(400);
		// Named as the form numbers it, never by its internal id.
		const position = quiz.questions.findIndex((q) => q.id === 'rest-name') + 1;
		expect(blank.text).toContain(`Question ${position} was not answered; write an answer.`);
		expect(blank.text).not.toContain('&quot;rest-name&quot;');
		expect(blank.text).toMatch(/name="hydration-number" value="75"/);

		const pool = key('starter');
		const pooled = await client.get('/learn/quizzes/starter');
		expect(pooled.text).toContain('4 questions per attempt, drawn from 6');
		const shownIds = [...pooled.text.matchAll(/id="prompt-([a-z0-9-]+)"/g)].map((m) => m[1] as string);
		expect(shownIds).toHaveLength(4);
		expect((await start(client, 'starter')).questions.map((q) => q.id)).toEqual(shownIds);
		const answers = rightAnswers(pool, shownIds);
		const posted = await client.postForm(
			'/quizzes/starter/result',
			Object.entries(answers).flatMap(([id, values]) => values.map((v): [string, string] => [id, v])),
		);
		expect(posted.status).toBe(200);
		expect(posted.text).toContain('— 4 of 4 (100%)');
	});

	it('a missed short question comes back in the review queue as a text field, graded by the same rule', async () => {
		const quiz = key('flour-and-water');
		const client = await learner('review-short', false);
		const wrong = {
			...rightAnswers(
				quiz,
				quiz.questions.map((q) => q.id),
			),
			'rest-name': ['poolish'],
		};
		const graded = await submit(client, 'flour-and-water', wrong);
		expect(graded.status, graded.text).toBe(201);
		const tomorrow = { 'x-test-now': new Date(Date.now() + 36 * 3_600_000).toISOString() };
		const page = await client.request('GET', '/review', undefined, tomorrow);
		expect(page.status).toBe(200);
		expect(page.text).toContain('data-review-card="flour-and-water/rest-name"');
		expect(page.text).toMatch(/<input type="text" name="answer"[^>]*required/);
		expect(page.text).toContain('(write your answer)');
		const answer = quiz.questions.find((q) => q.id === 'rest-name')?.accept?.[0] ?? '';
		const reviewed = await client.postForm(
			'/review',
			{ quizId: 'flour-and-water', questionId: 'rest-name', answer: `  ${answer.toUpperCase()}!` },
			tomorrow,
		);
		expect(reviewed.status, reviewed.text.slice(0, 400)).toBe(200);
		expect(reviewed.text).toContain('data-correct="true"');
	});
});
