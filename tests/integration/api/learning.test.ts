/**
 * The learning loop over real HTTP: quizzes graded against the private key, attempt limits per
 * tier, progress and next step, streak check-ins, access checks, tiers changed by an admin or a
 * signed billing webhook (never by the learner). Every response is checked against /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBillingPayload } from '../../../src/server/billing.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { checkoutCompleted, stripeSignature } from '../../helpers/stripe-events.ts';
import type { Client } from '../../helpers/server.ts';
import {
	type ApiServer,
	answersScoring,
	correctAnswers,
	FREE_CHAPTER,
	type Learner,
	PREMIUM_CHAPTER,
	quizKey,
	registerLearner,
	registerPremium,
	signInAdmin,
	startApiServer,
	uniqueEmail,
	wrongAnswers,
} from './fixtures.ts';

const WEBHOOK_SECRET = 'learning-suite-webhook-secret-0123';

/** The calendar day in a time zone, as the API computes it (YYYY-MM-DD). */
function localDay(timeZone: string, at = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Option ids in the order the question lists them (how the API reports selections). */
function inOptionOrder(question: { options: { id: string }[] }, ids: string[]): string[] {
	return question.options.map((o) => o.id).filter((id) => ids.includes(id));
}

describe.each(DATABASE_KINDS)('%s: learning API', (kind) => {
	let api: ApiServer;
	let admin: Learner;
	beforeAll(async () => {
		api = await startApiServer(kind, { BILLING_WEBHOOK_SECRET: WEBHOOK_SECRET });
		admin = await signInAdmin(api);
	});
	afterAll(async () => {
		await api?.stop();
	});

	const submit = (client: Client, quizId: string, answers: Record<string, unknown>) =>
		client.post(`/api/v1/me/quizzes/${quizId}/attempts`, { answers });

	describe('submitQuiz', () => {
		it('grades the correct answers from the private key as 100% and passed', async () => {
			const { client } = await registerLearner(api, 'quiz-right');
			const key = quizKey(FREE_CHAPTER);
			const res = await submit(client, key.id, correctAnswers(key));
			expect(res.status).toBe(201);
			expect(res.json).toMatchObject({
				quizId: key.id,
				score: key.questions.length,
				total: key.questions.length,
				percent: 100,
				passed: true,
				passMark: key.passMark,
				revealed: true,
				attemptsLeftToday: 2,
			});
			expect(res.json.questions.map((q: { id: string; correct: boolean }) => [q.id, q.correct])).toEqual(
				key.questions.map((q) => [q.id, true]),
			);
			expect(Number.isInteger(res.json.attemptId)).toBe(true);
		});

		it('grades wrong answers without giving the key away: what was wrong, the feedback and where to read, until the last attempt of the day', async () => {
			const { client } = await registerLearner(api, 'quiz-wrong');
			const key = quizKey(FREE_CHAPTER);
			const answers = wrongAnswers(key);
			for (let attempt = 1; attempt <= 3; attempt++) {
				const res = await submit(client, key.id, answers);
				expect(res.status).toBe(201);
				const last = attempt === 3;
				expect(res.json).toMatchObject({ score: 0, percent: 0, passed: false, revealed: last, attemptsLeftToday: 3 - attempt });
				for (const [i, question] of key.questions.entries()) {
					const graded = res.json.questions[i];
					expect(graded).toMatchObject({ id: question.id, correct: false, selected: answers[question.id] });
					expect(graded.teaches.url).toMatch(new RegExp(`^/chapters/${FREE_CHAPTER}/#[a-z0-9-]+$`));
					expect(graded.teaches.heading.length).toBeGreaterThan(0);
					for (const optionId of Object.keys(graded.feedback)) expect(graded.selected).toContain(optionId);
					if (last) {
						expect(graded.correctOptions).toEqual(inOptionOrder(question, question.correct));
						expect(graded.explanation).toBe(question.explanation);
					} else {
						expect(graded).not.toHaveProperty('correctOptions');
						expect(graded).not.toHaveProperty('explanation');
						expect(JSON.stringify(res.json)).not.toContain(question.explanation);
					}
				}
			}
		});

		it('shows the answers with the result once the learner passes', async () => {
			const { client } = await registerLearner(api, 'quiz-pass-reveal');
			const key = quizKey(FREE_CHAPTER);
			const res = await submit(client, key.id, correctAnswers(key));
			expect(res.json).toMatchObject({ passed: true, revealed: true });
			expect(res.json.questions[0].explanation).toBe(key.questions[0]?.explanation);
		});

		it('scores partial answers by whole questions (no partial credit) and accepts a bare string for one option', async () => {
			const { client } = await registerLearner(api, 'quiz-partial');
			const key = quizKey('what-is-an-agent');
			const answers: Record<string, unknown> = answersScoring(key, 2);
			const first = key.questions[0]!;
			answers[first.id] = first.correct[0];
			const res = await submit(client, key.id, answers);
			expect(res.status).toBe(201);
			expect(res.json.score).toBe(2);
			expect(res.json.percent).toBe(Math.round((100 * 2) / key.questions.length));
			expect(res.json.passed).toBe(res.json.percent >= key.passMark);
		});

		it('refuses answers that cannot be graded with 400 invalid_answers naming every problem, and stores nothing', async () => {
			const { client } = await registerLearner(api, 'quiz-invalid');
			const key = quizKey(FREE_CHAPTER);
			const single = key.questions.find((q) => q.type === 'single')!;
			const [a, b] = single.options.map((o) => o.id) as [string, string];
			const others = key.questions.filter((q) => q.id !== single.id);
			const missing = others[0]!;
			const unknownOption = others[1]!;
			const answers: Record<string, string[]> = correctAnswers(key);
			delete answers[missing.id];
			answers[single.id] = [a, b];
			answers[unknownOption.id] = ['no-such-option'];
			answers['no-such-question'] = ['x'];

			const res = await submit(client, key.id, answers);
			expect(res.status).toBe(400);
			expect(res.json.error.code).toBe('invalid_answers');
			const problems = res.json.error.details as { questionId: string; code: string; optionId?: string }[];
			expect(problems).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ questionId: single.id, code: 'too_many_options' }),
					expect.objectContaining({ questionId: missing.id, code: 'missing_answer' }),
					expect.objectContaining({ questionId: unknownOption.id, code: 'unknown_option', optionId: 'no-such-option' }),
					expect.objectContaining({ questionId: 'no-such-question', code: 'unknown_question' }),
				]),
			);
			expect(problems).toHaveLength(4);
			expect(res.json.error.message).toContain('and 3 more');

			for (const [label, bad] of [
				['unknown question', { ...correctAnswers(key), 'no-such-question': ['x'] }],
				['unknown option', { ...correctAnswers(key), [unknownOption.id]: ['nope'] }],
				['two options on a single question', { ...correctAnswers(key), [single.id]: [a, b] }],
				['a missing answer', Object.fromEntries(Object.entries(correctAnswers(key)).filter(([id]) => id !== missing.id))],
				['an empty selection', { ...correctAnswers(key), [missing.id]: [] }],
			] as const) {
				const one = await submit(client, key.id, bad);
				expect(one.status, label).toBe(400);
				expect(one.json.error.code, label).toBe('invalid_answers');
				expect(one.json.error.details, label).toHaveLength(1);
			}
			// A number is a numeric question's answer; a boolean is no answer of any kind.
			const schemaBad = await submit(client, key.id, { [single.id]: true });
			expect(schemaBad.status).toBe(400);
			expect(schemaBad.json.error.code).toBe('validation_failed');

			const results = await client.get(`/api/v1/me/quizzes/${key.id}/attempts`);
			expect(results.json).toMatchObject({ attempts: [], attemptsToday: 0, attemptsLeftToday: 3, bestPercent: null });
		});

		it('refuses a premium quiz to a free learner: 403 with the required tier and the upgrade', async () => {
			const { client } = await registerLearner(api, 'quiz-premium');
			const key = quizKey(PREMIUM_CHAPTER);
			const res = await submit(client, key.id, correctAnswers(key));
			expect(res.status).toBe(403);
			expect(res.json.error).toMatchObject({
				code: 'upgrade_required',
				details: { requiredTier: 'premium', yourTier: 'free', upgrade: { tier: 'premium', name: 'Premium', priceMonthly: 9 } },
			});
			expect(res.json.error.details.upgrade.includes.length).toBeGreaterThan(0);
			const anonymous = await submit(api.client(), key.id, correctAnswers(key));
			expect(anonymous.status).toBe(401);
		});

		it('allows a free learner 3 attempts a quiz a day, then 429 attempt_limit_reached with Retry-After and the reset time', async () => {
			const timezone = 'Asia/Tokyo';
			const { client } = await registerLearner(api, 'quiz-limit', { timezone });
			const key = quizKey(FREE_CHAPTER);
			const left: number[] = [];
			for (let i = 0; i < 3; i++) {
				const res = await submit(client, key.id, answersScoring(key, i));
				expect(res.status).toBe(201);
				left.push(res.json.attemptsLeftToday);
			}
			expect(left).toEqual([2, 1, 0]);

			const before = Date.now();
			const refused = await submit(client, key.id, correctAnswers(key));
			expect(refused.status).toBe(429);
			expect(refused.json.error.code).toBe('attempt_limit_reached');
			expect(refused.json.error.details.limit).toBe(3);
			const resetsAt = new Date(refused.json.error.details.resetsAt);
			// Tokyo has no DST: its midnight is 15:00 UTC, the next one after now.
			const expectedReset = new Date(before);
			expectedReset.setUTCHours(15, 0, 0, 0);
			if (expectedReset.getTime() <= before) expectedReset.setUTCDate(expectedReset.getUTCDate() + 1);
			expect(resetsAt.toISOString()).toBe(expectedReset.toISOString());
			const retryAfter = Number(refused.headers.get('retry-after'));
			expect(Number.isInteger(retryAfter)).toBe(true);
			expect(Math.abs(retryAfter - (resetsAt.getTime() - before) / 1000)).toBeLessThan(5);
			expect(refused.json.error.message).toContain(timezone);
			// A sentence a learner reads: a relative time, no raw timestamp; the offer names the course's own tier.
			expect(refused.json.error.message).toMatch(/reset at midnight in Asia\/Tokyo, in (\d+ h( \d+ min)?|\d+ min|less than a minute)\.$/);
			expect(refused.json.error.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
			expect(refused.json.error.details.upgrade).toBe('Premium includes unlimited quiz attempts.');

			// The limit is per quiz: another free quiz is still open; the refused attempt was not stored.
			expect((await submit(client, 'what-is-an-agent', correctAnswers(quizKey('what-is-an-agent')))).status).toBe(201);
			const results = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
			expect(results).toMatchObject({ attemptsToday: 3, attemptsPerDay: 3, attemptsLeftToday: 0 });
			expect(results.attempts).toHaveLength(3);
			// The quiz page says the same, from getQuizResults.
			const page = api.client(false);
			page.cookie = client.cookie;
			expect((await page.get(`/learn/quizzes/${key.id}`)).text).toContain('You have used all 3 attempts at this quiz for today.');
		});

		it('gives a premium learner unlimited attempts (5 in a row, attemptsLeftToday null)', async () => {
			const { client } = await registerPremium(api, admin.client);
			const key = quizKey(PREMIUM_CHAPTER);
			for (let i = 0; i < 5; i++) {
				const res = await submit(client, key.id, answersScoring(key, i % key.questions.length));
				expect(res.status).toBe(201);
				expect(res.json.attemptsLeftToday).toBeNull();
			}
			const results = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
			expect(results.attempts).toHaveLength(5);
			expect(results.attemptsLeftToday).toBeNull();
			expect(results.attemptsPerDay).toBeNull();
		});
	});

	describe('getQuizResults', () => {
		it('lists attempts newest first with the best score and whether it passed', async () => {
			const { client } = await registerLearner(api, 'results');
			const key = quizKey(FREE_CHAPTER);
			const empty = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
			expect(empty).toMatchObject({ quizId: key.id, passMark: key.passMark, bestPercent: null, passed: false, attempts: [] });

			const scores = [1, key.questions.length, 2].map((n) => Math.round((100 * n) / key.questions.length));
			const ids: number[] = [];
			for (const n of [1, key.questions.length, 2]) ids.push((await submit(client, key.id, answersScoring(key, n))).json.attemptId);
			const results = (await client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
			expect(results.bestPercent).toBe(100);
			expect(results.passed).toBe(true);
			expect(results.attemptsToday).toBe(3);
			expect(results.attempts.map((a: { attemptId: number }) => a.attemptId)).toEqual([...ids].reverse());
			expect(results.attempts.map((a: { percent: number }) => a.percent)).toEqual([...scores].reverse());
			expect(results.attempts[0].localDate).toBe(localDay('UTC'));

			const failing = await registerLearner(api, 'results-fail');
			await submit(failing.client, key.id, answersScoring(key, 1));
			const failed = (await failing.client.get(`/api/v1/me/quizzes/${key.id}/attempts`)).json;
			expect(failed.passed).toBe(false);
			expect(failed.bestPercent).toBe(scores[0]);
		});

		it('answers 404 for an unknown quiz', async () => {
			const { client } = await registerLearner(api, 'results-404');
			expect((await client.get('/api/v1/me/quizzes/no-such-quiz/attempts')).status).toBe(404);
		});
	});

	describe('progress', () => {
		it('updateProgress is idempotent: changed true once, then false, keeping the first completion time', async () => {
			const { client } = await registerLearner(api, 'progress');
			const first = await client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER });
			expect(first.status).toBe(200);
			expect(first.json.changed).toBe(true);
			const second = await client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER, status: 'completed' });
			expect(second.status).toBe(200);
			expect(second.json.changed).toBe(false);
			expect(second.json.completedChapters).toEqual(first.json.completedChapters);
			expect(second.json.completedChapters).toHaveLength(1);
		});

		it('answers 404 for an unknown chapter and 400 for a malformed id or status', async () => {
			const { client } = await registerLearner(api, 'progress-404');
			const unknown = await client.post('/api/v1/me/progress', { chapterId: 'no-such-chapter' });
			expect(unknown.status).toBe(404);
			expect(unknown.json.error.code).toBe('not_found');
			expect((await client.post('/api/v1/me/progress', { chapterId: 'Tool Use' })).status).toBe(400);
			expect((await client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER, status: 'started' })).status).toBe(400);
			expect((await client.get('/api/v1/me/progress')).json.completedChapters).toEqual([]);
		});

		it('getProgress reports percent and the next step: start → take_quiz → continue → retake_quiz → upgrade', async () => {
			const { client } = await registerLearner(api, 'next-step');
			const progress = async () => (await client.get('/api/v1/me/progress')).json;
			const complete = async (chapterId: string) => expect((await client.post('/api/v1/me/progress', { chapterId })).status).toBe(200);

			let p = await progress();
			expect(p.percentComplete).toBe(0);
			expect(p.nextStep).toMatchObject({ kind: 'start', chapterId: 'what-is-an-agent' });
			expect(p.chapters).toHaveLength(10);

			await complete('what-is-an-agent');
			p = await progress();
			expect(p.percentComplete).toBe(10);
			expect(p.nextStep).toMatchObject({ kind: 'take_quiz', chapterId: 'what-is-an-agent' });

			await submit(client, 'what-is-an-agent', correctAnswers(quizKey('what-is-an-agent')));
			p = await progress();
			expect(p.nextStep).toMatchObject({ kind: 'continue', chapterId: 'tool-use' });
			expect(p.chapters[0]).toMatchObject({ chapterId: 'what-is-an-agent', state: 'quiz_passed', bestPercent: 100 });

			await complete('tool-use');
			await submit(client, 'tool-use', wrongAnswers(quizKey('tool-use')));
			p = await progress();
			expect(p.percentComplete).toBe(20);
			expect(p.nextStep).toMatchObject({ kind: 'retake_quiz', chapterId: 'tool-use' });
			expect(p.nextStep.message).toContain('0%');
			expect(p.bestScores).toEqual({ 'what-is-an-agent': 100, 'tool-use': 0 });
			expect(p.chapters[1]).toMatchObject({ chapterId: 'tool-use', state: 'read', bestPercent: 0, passMark: 70 });
			expect(p.currentChapter).toBe('tool-use');
			expect(p.lastActivityDay).toBe(localDay('UTC'));

			// With every free chapter done, the next step is a premium chapter, flagged as needing an upgrade.
			await submit(client, 'tool-use', correctAnswers(quizKey('tool-use')));
			await complete('model-context-protocol');
			await submit(client, 'model-context-protocol', correctAnswers(quizKey('model-context-protocol')));
			p = await progress();
			expect(p.percentComplete).toBe(30);
			expect(p.nextStep).toMatchObject({ kind: 'continue', chapterId: PREMIUM_CHAPTER });
			expect(p.nextStep.message).toMatch(/upgrade/i);
		});
	});

	describe('streak', () => {
		it('recordCheckin counts today once: recorded true, then false; current 1 in the learner’s time zone', async () => {
			const timezone = 'Pacific/Kiritimati';
			const { client } = await registerLearner(api, 'streak', { timezone });
			const before = (await client.get('/api/v1/me/streak')).json;
			expect(before).toMatchObject({ current: 0, longest: 0, todayDone: false, lastActiveDay: null, timezone, freezesPerMonth: 0 });

			const first = await client.post('/api/v1/me/streak/checkins');
			expect(first.status).toBe(200);
			expect(first.json).toMatchObject({ recorded: true, current: 1, longest: 1, todayDone: true, today: localDay(timezone) });
			expect(first.json.lastActiveDay).toBe(localDay(timezone));
			const second = await client.post('/api/v1/me/streak/checkins');
			expect(second.json).toMatchObject({ recorded: false, current: 1, todayDone: true });
			const streak = (await client.get('/api/v1/me/streak')).json;
			expect(streak).toMatchObject({ current: 1, longest: 1, todayDone: true, frozenDays: [] });
			expect(new Date(streak.dayEndsAt).getTime()).toBeGreaterThan(Date.now());
		});

		it('completing a chapter counts as today’s activity, so a later check-in records nothing new', async () => {
			const { client } = await registerLearner(api, 'streak-chapter');
			await client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER });
			const res = await client.post('/api/v1/me/streak/checkins');
			expect(res.json).toMatchObject({ recorded: false, current: 1 });
		});
		it('a time zone change waits for the next midnight of the zone in force: no fresh quiz attempts, no extra streak day', async () => {
			// Honolulu and Kiritimati are 24 hours apart: moving there at once would be "tomorrow".
			const from = 'Pacific/Honolulu';
			const to = 'Pacific/Kiritimati';
			const { client } = await registerLearner(api, 'zone-hop', { timezone: from });
			expect((await client.post('/api/v1/me/streak/checkins')).json).toMatchObject({ recorded: true, current: 1, today: localDay(from) });
			const key = quizKey(FREE_CHAPTER);
			for (let i = 0; i < 3; i++) expect((await submit(client, key.id, answersScoring(key, i))).status).toBe(201);

			const changed = await client.request('PATCH', '/api/v1/me', { timezone: to });
			expect(changed.status).toBe(200);
			expect(changed.json.timezone).toBe(from);
			expect(changed.json.pendingTimezone.timezone).toBe(to);
			const switchAt = new Date(changed.json.pendingTimezone.from);
			expect(localDay(from, switchAt)).not.toBe(localDay(from));
			expect(localDay(from, new Date(switchAt.getTime() - 1))).toBe(localDay(from));

			// Still today in Honolulu: the check-in adds nothing and the quiz stays closed.
			expect((await client.post('/api/v1/me/streak/checkins')).json).toMatchObject({ recorded: false, current: 1, today: localDay(from) });
			const refused = await submit(client, key.id, correctAnswers(key));
			expect(refused.status).toBe(429);
			expect(new Date(refused.json.error.details.resetsAt).toISOString()).toBe(switchAt.toISOString());
			expect((await client.get('/api/v1/me')).json).toMatchObject({ timezone: from, pendingTimezone: { timezone: to } });

			// Going back to the zone in force cancels the change.
			expect((await client.request('PATCH', '/api/v1/me', { timezone: from })).json).toMatchObject({
				timezone: from,
				pendingTimezone: null,
			});
		});

		it.skipIf(kind !== 'postgres')(
			'a freeze is applied whichever way the learner comes back: a quiz or a chapter after a missed day, before any streak read',
			async () => {
				const { default: pg } = await import('pg');
				const today = localDay('UTC');
				const dayBefore = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
				for (const path of ['quiz', 'chapter'] as const) {
					const learner = await registerPremium(api, admin.client, `freeze-${path}`);
					// Active for eight days up to the day before yesterday; yesterday missed.
					const db = new pg.Client({ connectionString: api.database.url });
					await db.connect();
					try {
						for (let n = 2; n <= 9; n++) {
							await db.query("insert into activity_days (user_id, day, first_source) values ($1, $2, 'checkin')", [
								learner.id,
								dayBefore(n),
							]);
						}
						if (path === 'quiz') {
							const key = quizKey(FREE_CHAPTER);
							expect((await submit(learner.client, key.id, correctAnswers(key))).status).toBe(201);
						} else {
							expect((await learner.client.post('/api/v1/me/progress', { chapterId: FREE_CHAPTER })).status).toBe(200);
						}
						// Written by the activity itself: a streak read on a later day would find the gap already bridged.
						const { rows } = await db.query('select day::text as day from streak_freezes where user_id = $1', [learner.id]);
						expect(rows.map((r) => r.day)).toEqual([dayBefore(1)]);
					} finally {
						await db.end();
					}
					expect((await learner.client.get('/api/v1/me/streak')).json).toMatchObject({ current: 9, frozenDays: [dayBefore(1)] }); // frozen days bridge, they do not count;
				}
			},
		);

		it('a learner with no activity yet changes time zone at once', async () => {
			const { client } = await registerLearner(api, 'zone-new');
			const changed = await client.request('PATCH', '/api/v1/me', { timezone: 'Asia/Tokyo' });
			expect(changed.json).toMatchObject({ timezone: 'Asia/Tokyo', pendingTimezone: null });
			expect((await client.post('/api/v1/me/streak/checkins')).json).toMatchObject({ recorded: true, today: localDay('Asia/Tokyo') });
		});
	});

	describe('access and tiers', () => {
		it('checkAccess answers for chapter: and quiz: resources by tier', async () => {
			const free = (await registerLearner(api, 'access')).client;
			const premium = (await registerPremium(api, admin.client, 'access-premium')).client;
			const anon = api.client();
			const reason = async (client: Client, resource: string) => {
				const res = await client.get(`/api/v1/access?resource=${resource}`);
				expect(res.status).toBe(200);
				expect(res.json.resource).toBe(resource);
				return [res.json.allowed, res.json.reason, res.json.requiredTier, res.json.upgrade?.tier ?? null];
			};
			expect(await reason(anon, `chapter:${FREE_CHAPTER}`)).toEqual([true, 'free_content', 'free', null]);
			expect(await reason(anon, `chapter:${PREMIUM_CHAPTER}`)).toEqual([false, 'sign_in_required', 'premium', 'premium']);
			expect(await reason(free, `chapter:${PREMIUM_CHAPTER}`)).toEqual([false, 'upgrade_required', 'premium', 'premium']);
			expect(await reason(free, `quiz:${PREMIUM_CHAPTER}`)).toEqual([false, 'upgrade_required', 'premium', 'premium']);
			expect(await reason(free, `quiz:${FREE_CHAPTER}`)).toEqual([true, 'free_content', 'free', null]);
			expect(await reason(premium, `chapter:${PREMIUM_CHAPTER}`)).toEqual([true, 'tier_ok', 'premium', null]);
			expect(await reason(premium, `quiz:${PREMIUM_CHAPTER}`)).toEqual([true, 'tier_ok', 'premium', null]);
			expect((await free.get('/api/v1/access?resource=chapter:no-such-chapter')).status).toBe(404);
			expect((await free.get('/api/v1/access?resource=video:tool-use')).status).toBe(400);
			const yourTier = (await free.get(`/api/v1/access?resource=chapter:${PREMIUM_CHAPTER}`)).json.yourTier;
			expect(yourTier).toBe('free');
		});

		it('getUserTier shows the tier, its allowances and the tiers above it', async () => {
			const free = (await registerLearner(api, 'tier')).client;
			const freeTier = (await free.get('/api/v1/me/tier')).json;
			expect(freeTier).toMatchObject({ tier: 'free', name: 'Free', quizAttemptsPerDay: 3, streakFreezesPerMonth: 0 });
			expect(freeTier.upgrades.map((u: { tier: string }) => u.tier)).toEqual(['premium', 'pro', 'team']);
			const premium = (await registerPremium(api, admin.client, 'tier-premium')).client;
			const premiumTier = (await premium.get('/api/v1/me/tier')).json;
			expect(premiumTier).toMatchObject({ tier: 'premium', quizAttemptsPerDay: null, streakFreezesPerMonth: 2 });
			expect(premiumTier.upgrades.map((u: { tier: string }) => u.tier)).toEqual(['pro', 'team']);
		});

		it('an admin upgrade opens premium content to the learner at once and is in the tier history as admin:<id>', async () => {
			const learner = await registerLearner(api, 'upgrade');
			expect((await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).status).toBe(403);

			const res = await admin.client.post(`/api/v1/admin/users/${learner.id}/tier`, { tier: 'premium', reason: 'support ticket 42' });
			expect(res.status).toBe(200);
			expect(res.json).toEqual({
				userId: learner.id,
				from: 'free',
				to: 'premium',
				changed: true,
				message: 'Tier changed from free to premium.',
			});
			const again = await admin.client.post(`/api/v1/admin/users/${learner.id}/tier`, { tier: 'premium' });
			expect(again.json).toMatchObject({
				from: 'premium',
				to: 'premium',
				changed: false,
				message: 'Nothing changed: the learner already has the premium tier.',
			});

			const content = await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`);
			expect(content.status).toBe(200);
			expect(content.json).toMatchObject({ chapterId: PREMIUM_CHAPTER, tier: 'premium', page: 1 });
			expect(content.json.sections.length).toBeGreaterThan(0);
			expect((await learner.client.get(`/api/v1/quizzes/${PREMIUM_CHAPTER}`)).status).toBe(200);
			expect((await learner.client.get('/api/v1/me')).json.tier).toBe('premium');

			const account = (await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json;
			expect(account.user).toMatchObject({ id: learner.id, tier: 'premium' });
			expect(account.tierHistory).toHaveLength(1);
			expect(account.tierHistory[0]).toMatchObject({
				from: 'free',
				to: 'premium',
				actor: `admin:${admin.id}`,
				by: expect.stringContaining(admin.email),
				reason: 'support ticket 42',
			});

			const found = (await admin.client.get(`/api/v1/admin/users?q=${encodeURIComponent(learner.email)}`)).json.users;
			expect(found.map((u: { id: string }) => u.id)).toEqual([learner.id]);
		});

		it('upgradeTier refuses an unknown user (404) and an unknown tier (400)', async () => {
			expect((await admin.client.post('/api/v1/admin/users/no-such-user/tier', { tier: 'premium' })).status).toBe(404);
			const learner = await registerLearner(api, 'bad-tier');
			expect((await admin.client.post(`/api/v1/admin/users/${learner.id}/tier`, { tier: 'platinum' })).status).toBe(400);
			expect((await learner.client.get('/api/v1/me')).json.tier).toBe('free');
		});

		it('a learner can never raise their own tier: PATCH /me ignores or refuses a tier, and there is no tier-writing route', async () => {
			const learner = await registerLearner(api, 'self-upgrade');
			const onlyTier = await learner.client.request('PATCH', '/api/v1/me', { tier: 'premium' });
			expect(onlyTier.status).toBe(400);
			const withName = await learner.client.request('PATCH', '/api/v1/me', { displayName: 'Sneaky', tier: 'premium', role: 'admin' });
			expect(withName.status).toBe(200);
			expect(withName.json).toMatchObject({ displayName: 'Sneaky', tier: 'free', role: 'student' });
			const tierWrite = await api.client(false).request('POST', '/api/v1/me/tier', { tier: 'premium' }, { cookie: learner.client.cookie });
			expect(tierWrite.status).toBe(405);
			const ownAdminRoute = await learner.client.post(`/api/v1/admin/users/${learner.id}/tier`, { tier: 'premium' });
			expect(ownAdminRoute.status).toBe(403);
			expect((await learner.client.get('/api/v1/me')).json).toMatchObject({ tier: 'free', role: 'student' });
			expect((await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).status).toBe(403);
		});
	});

	describe('billing webhook', () => {
		const post = (body: string, signature: string | null) =>
			api.client().request('POST', '/api/v1/billing/webhook', body, signature ? { 'billing-signature': signature } : {});
		const now = () => Math.floor(Date.now() / 1000);

		it('a correctly signed event upgrades the learner named by email, recorded with actor billing', async () => {
			const learner = await registerLearner(api, 'billing');
			const body = JSON.stringify({ id: 'evt_1', type: 'subscription.activated', email: learner.email.toUpperCase(), tier: 'premium' });
			const res = await post(body, signBillingPayload(WEBHOOK_SECRET, now(), body));
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ received: true, userId: learner.id, from: 'free', to: 'premium', outcome: 'applied' });
			expect((await learner.client.get('/api/v1/me')).json.tier).toBe('premium');
			expect((await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).status).toBe(200);

			const cancel = JSON.stringify({ id: 'evt_2', type: 'subscription.canceled', userId: learner.id, tier: 'premium' });
			const canceled = await post(cancel, signBillingPayload(WEBHOOK_SECRET, now(), cancel));
			expect(canceled.json).toMatchObject({ from: 'premium', to: 'free' });
			const history = (await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json.tierHistory;
			expect(history.map((h: { to: string; actor: string }) => [h.to, h.actor])).toEqual([
				['premium', 'billing'],
				['free', 'billing'],
			]);
			expect(history[0].reason).toContain('evt_1');
		});

		it('refuses a bad signature, a tampered body, a missing header and a stale timestamp with 400, changing nothing', async () => {
			const learner = await registerLearner(api, 'billing-bad');
			const body = JSON.stringify({ id: 'evt_bad', type: 'subscription.activated', email: learner.email, tier: 'team' });
			const cases: [string, string, string | null][] = [
				['wrong secret', body, signBillingPayload('another-secret-of-some-length', now(), body)],
				['tampered body', body.replace('team', 'pro'), signBillingPayload(WEBHOOK_SECRET, now(), body)],
				['missing header', body, null],
				['garbage header', body, 'v1=abc'],
				['stale timestamp (10 minutes old)', body, signBillingPayload(WEBHOOK_SECRET, now() - 600, body)],
				['future timestamp (10 minutes ahead)', body, signBillingPayload(WEBHOOK_SECRET, now() + 600, body)],
			];
			for (const [label, sent, signature] of cases) {
				const res = await post(sent, signature);
				expect(res.status, label).toBe(400);
				expect(res.json.error.code, label).toBe('invalid_signature');
			}
			expect((await learner.client.get('/api/v1/me')).json.tier).toBe('free');
		});

		it('a signed event for an unknown learner is 404; a signed malformed event is 400', async () => {
			const unknown = JSON.stringify({ id: 'evt_x', type: 'subscription.activated', email: uniqueEmail('ghost'), tier: 'premium' });
			expect((await post(unknown, signBillingPayload(WEBHOOK_SECRET, now(), unknown))).status).toBe(404);
			const malformed = JSON.stringify({ id: 'evt_y', type: 'subscription.exploded', tier: 'premium' });
			expect((await post(malformed, signBillingPayload(WEBHOOK_SECRET, now(), malformed))).status).toBe(400);
			const notJson = '{"id":';
			const res = await post(notJson, signBillingPayload(WEBHOOK_SECRET, now(), notJson));
			expect(res.status).toBe(400);
			expect(res.json.error.code).toBe('invalid_json');
		});
	});

	it('checked every response above against /openapi.json (ConformingClient)', () => {
		expect(api.conformance.checked).toBeGreaterThan(100);
	});
});

describe.each(DATABASE_KINDS)('%s: billing webhook without a secret', (kind) => {
	let api: ApiServer;
	beforeAll(async () => {
		api = await startApiServer(kind);
	});
	afterAll(async () => {
		await api?.stop();
	});

	it('answers 503 billing_not_configured, even to a well-formed signed event', async () => {
		const body = JSON.stringify({ id: 'evt_1', type: 'subscription.activated', email: 'free@demo.test', tier: 'premium' });
		const signature = signBillingPayload(WEBHOOK_SECRET, Math.floor(Date.now() / 1000), body);
		const res = await api.client().request('POST', '/api/v1/billing/webhook', body, { 'billing-signature': signature });
		expect(res.status).toBe(503);
		expect(res.json.error.code).toBe('billing_not_configured');
		const free = api.client();
		expect((await free.login('free@demo.test', 'learn-with-chatgpt')).user.tier).toBe('free');
	});

	it('answers 503 billing_not_configured to a Stripe event when STRIPE_WEBHOOK_SECRET is unset', async () => {
		const body = JSON.stringify(checkoutCompleted({ clientReferenceId: 'anyone', paymentLink: 'plink_x' }));
		const res = await api.client().request('POST', '/api/v1/billing/webhook', body, {
			'stripe-signature': stripeSignature(body, 'whsec_notConfigured0123456789'),
		});
		expect(res.status).toBe(503);
		expect(res.json.error.message).toContain('STRIPE_WEBHOOK_SECRET');
	});
});
