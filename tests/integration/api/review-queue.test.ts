/**
 * The review queue through the real server, moving the learner's clock (TEST_CLOCK=header, X-Test-Now):
 * a missed question is not due the day it was missed, is due the next day, comes back 3 days after a right
 * review and 1 day after a wrong one, retires after 30 days, and a review counts today for the streak.
 * Same suite on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import type { Client } from '../../helpers/server.ts';
import {
	type ApiServer,
	correctAnswers,
	FREE_CHAPTER,
	isErrorShape,
	type Learner,
	PREMIUM_CHAPTER,
	quizKey,
	registerPremium,
	setTierAsAdmin,
	signInAdmin,
	startApiServer,
	wrongAnswers,
} from './fixtures.ts';

const ZONE = 'Europe/Paris';
/** Noon in Paris on a day (UTC+1 before 29 March 2026, UTC+2 after). */
const noon = (day: string) => new Date(`${day}T12:00:00${day < '2026-03-29' ? '+01:00' : '+02:00'}`).toISOString();

function at(client: Client, day: string) {
	const headers = { 'x-test-now': noon(day) };
	return {
		get: (path: string) => client.request('GET', path, undefined, headers),
		post: (path: string, body?: unknown) => client.request('POST', path, body, headers),
		form: (path: string, fields: Record<string, string>) => client.postForm(path, fields, headers),
	};
}

for (const kind of DATABASE_KINDS) {
	describe(`review queue (${kind})`, () => {
		let api: ApiServer;
		let admin: Learner;
		const key = quizKey(FREE_CHAPTER);
		const first = key.questions[0];
		if (!first) throw new Error('the fixture quiz has no question');
		const wrongOf = (q: (typeof key.questions)[number]) => [q.options.find((o) => !q.correct.includes(o.id))?.id as string];

		beforeAll(async () => {
			api = await startApiServer(kind, { TEST_CLOCK: 'header' });
			admin = await signInAdmin(api);
		}, 120_000);
		afterAll(async () => {
			await api?.stop();
		});

		/** `checked`: every response is checked against /openapi.json (off for learners that also load pages). */
		async function learner(tag: string, checked = true): Promise<Learner> {
			const l = await registerPremium(api, admin.client, tag, checked);
			const res = await l.client.request('PATCH', '/api/v1/me', { timezone: ZONE });
			expect(res.status, res.text).toBe(200);
			return l;
		}

		async function queue(client: Client, day: string) {
			const res = await at(client, day).get('/api/v1/me/reviews');
			expect(res.status, res.text).toBe(200);
			return res.json;
		}

		async function review(client: Client, day: string, correct: boolean, question = first as NonNullable<typeof first>) {
			return at(client, day).post('/api/v1/me/reviews', {
				quizId: key.id,
				questionId: question.id,
				answer: correct ? question.correct : wrongOf(question),
			});
		}

		it('a missed question is not due today, is due tomorrow, then 3 days after a right review and 1 day after a wrong one', async () => {
			const { client } = await learner('leitner');
			const quiz = await at(client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: wrongAnswers(key) });
			expect(quiz.status, quiz.text).toBe(201);
			expect(quiz.json.passed).toBe(false);

			const today = await queue(client, '2026-03-09');
			expect(today).toMatchObject({ today: '2026-03-09', dueCount: 0, waitingCount: key.questions.length, nextDueDay: '2026-03-10' });
			expect(today.cards).toEqual([]);

			const tomorrow = await queue(client, '2026-03-10');
			expect(tomorrow.dueCount).toBe(key.questions.length);
			// Course order within one quiz, one day and one box: the quiz's own question order.
			expect(tomorrow.cards.map((c: { questionId: string }) => c.questionId)).toEqual(key.questions.map((q) => q.id));
			expect(tomorrow.cards[0]).toMatchObject({ quizId: key.id, questionId: first.id, box: 1, dueDay: '2026-03-10' });
			expect(Object.keys(tomorrow.cards[0].question).sort()).toEqual(['id', 'options', 'prompt', 'type']);
			// The key never travels with the queue: no correct ids field, no explanation text.
			for (const q of key.questions) expect(JSON.stringify(tomorrow)).not.toContain(q.explanation);
			expect(JSON.stringify(tomorrow)).not.toMatch(/"correct/);

			const right = await review(client, '2026-03-10', true);
			expect(right.status, right.text).toBe(200);
			expect(right.json).toMatchObject({
				correct: true,
				box: 2,
				dueDay: '2026-03-13',
				retired: false,
				remainingToday: key.questions.length - 1,
			});
			expect(right.json.message).toBe('Right. It comes back on Friday 13 March.');
			// A second answer the same day is refused and changes nothing.
			const again = await review(client, '2026-03-10', false);
			expect(again.status).toBe(409);
			expect(isErrorShape(again.json)).toBe(true);
			expect(again.json.error.code).toBe('not_due');
			expect(again.json.error.message).toBe('This question is not due for review until Friday 13 March; this answer was not counted.');

			const ids = (q: { cards: { questionId: string }[] }) => q.cards.map((c) => c.questionId);
			expect(ids(await queue(client, '2026-03-12'))).not.toContain(first.id);
			// Due again on the 13th, after the questions still waiting since the 10th (the longest overdue come first).
			const due13 = await queue(client, '2026-03-13');
			expect(ids(due13).at(-1)).toBe(first.id);

			const wrong = await review(client, '2026-03-13', false);
			expect(wrong.json).toMatchObject({ correct: false, box: 1, dueDay: '2026-03-14', revealed: false });
			// Not passed yet under the default policy: the review does not hand over the key.
			expect(wrong.json.correctOptions).toBeUndefined();
			expect(wrong.json.explanation).toBeUndefined();
			expect(wrong.json.message).toBe('Not quite. It comes back tomorrow, Saturday 14 March.');
			expect(ids(await queue(client, '2026-03-14'))).toContain(first.id);
			expect(ids(await queue(client, '2026-03-13'))).not.toContain(first.id);

			// Up through every box; Paris moves its clocks on 29 March, the days do not move.
			const path: [string, number, string | null][] = [
				['2026-03-14', 2, '2026-03-17'],
				['2026-03-17', 3, '2026-03-24'],
				['2026-03-24', 4, '2026-04-07'],
				['2026-04-07', 5, '2026-05-07'],
				['2026-05-07', 5, null],
			];
			for (const [day, box, due] of path) {
				const res = await review(client, day, true);
				expect(res.status, `${day}: ${res.text}`).toBe(200);
				expect(res.json, day).toMatchObject({ box, dueDay: due, retired: due === null });
			}
			const later = await queue(client, '2026-12-01');
			expect(ids(later)).not.toContain(first.id);
			const retiredAnswer = await review(client, '2026-12-01', true);
			expect(retiredAnswer.status).toBe(404);
			expect(retiredAnswer.json.error.code).toBe('not_in_review_queue');
		});

		it('counts a review as study for the streak, through the check-in path', async () => {
			const { client } = await learner('streak');
			await at(client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: wrongAnswers(key) });
			const before = await at(client, '2026-03-10').get('/api/v1/me/streak');
			expect(before.json).toMatchObject({ todayDone: false, current: 1 });
			const res = await review(client, '2026-03-10', false);
			expect(res.json.streak).toEqual({ current: 2, todayDone: true });
			const after = await at(client, '2026-03-10').get('/api/v1/me/streak');
			expect(after.json).toMatchObject({ todayDone: true, current: 2, lastActiveDay: '2026-03-10' });
			// The day's first activity was the review: the check constraint accepts the new source (migration 0013).
			const next = await at(client, '2026-03-11').get('/api/v1/me/streak');
			expect(next.json).toMatchObject({ todayDone: false, current: 2 });
		});

		it('a question answered right in a later quiz attempt moves up when due, and a quiz miss resets it', async () => {
			const { client } = await learner('retake');
			await at(client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: wrongAnswers(key) });
			// Retaken right the same day: not due yet, nothing moves.
			await at(client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: correctAnswers(key) });
			expect((await queue(client, '2026-03-10')).dueCount).toBe(key.questions.length);
			// Retaken right two days later, when every card is due: each moves to box 2, due in 3 days.
			await at(client, '2026-03-11').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: correctAnswers(key) });
			const after = await queue(client, '2026-03-11');
			expect(after).toMatchObject({ dueCount: 0, nextDueDay: '2026-03-14', waitingCount: key.questions.length });
			const on14 = await queue(client, '2026-03-14');
			expect(on14.cards.every((c: { box: number }) => c.box === 2)).toBe(true);
			// One miss in a quiz sends that question back to box 1, due the next day.
			const answers = { ...correctAnswers(key), [first.id]: wrongOf(first) };
			await at(client, '2026-03-14').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers });
			const on15 = await queue(client, '2026-03-15');
			expect(on15.cards.map((c: { questionId: string; box: number }) => [c.questionId, c.box])).toEqual([[first.id, 1]]);
			// After a pass, a wrong review may show the answer (the default reveal policy).
			const res = await review(client, '2026-03-15', false);
			expect(res.json.revealed).toBe(true);
			expect(res.json.correctOptions).toEqual(first.correct);
		});

		it('shows the due count on the dashboard and in the next step, and hides questions the learner can no longer open', async () => {
			const l = await learner('dashboard', false);
			const premiumKey = quizKey(PREMIUM_CHAPTER);
			await at(l.client, '2026-03-09').post(`/api/v1/me/quizzes/${premiumKey.id}/attempts`, { answers: wrongAnswers(premiumKey) });
			const progress = await at(l.client, '2026-03-10').get('/api/v1/me/progress');
			expect(progress.json.reviewsDue).toBe(premiumKey.questions.length);
			expect(progress.json.nextStep).toMatchObject({ kind: 'review', chapterId: null });
			const dashboard = await at(l.client, '2026-03-10').get('/dashboard');
			expect(dashboard.text).toContain(`${premiumKey.questions.length} questions to review`);
			expect(dashboard.text).toContain('href="/review"');
			expect(dashboard.text).toContain('data-next-step="review"');
			expect((await at(l.client, '2026-03-09').get('/dashboard')).text).not.toContain('questions to review');

			await setTierAsAdmin(admin.client, l.id, 'free');
			expect((await queue(l.client, '2026-03-10')).dueCount).toBe(0);
			expect((await at(l.client, '2026-03-10').get('/api/v1/me/progress')).json.reviewsDue).toBe(0);
			const q = premiumKey.questions[0] as (typeof premiumKey.questions)[number];
			const refused = await at(l.client, '2026-03-10').post('/api/v1/me/reviews', {
				quizId: premiumKey.id,
				questionId: q.id,
				answer: q.correct,
			});
			expect(refused.status).toBe(403);
			expect(refused.json.error.code).toBe('upgrade_required');
		});

		it('/review works without JavaScript: one question as a form, feedback after the post, no key before it', async () => {
			const { client } = await learner('page', false);
			await at(client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: wrongAnswers(key) });
			const empty = await at(client, '2026-03-09').get('/review');
			expect(empty.status).toBe(200);
			expect(empty.text).toContain('Nothing to review today. The next question comes back on Tuesday 10 March.');

			const page = await at(client, '2026-03-10').get('/review');
			expect(page.text).toContain(`data-review-card="${key.id}/${first.id}"`);
			expect(page.text).toContain(`${key.questions.length} questions to review today.`);
			for (const q of key.questions) expect(page.text).not.toContain(q.explanation);

			const answered = await at(client, '2026-03-10').form('/review', {
				quizId: key.id,
				questionId: first.id,
				answer: first.correct[0] as string,
			});
			expect(answered.status).toBe(200);
			expect(answered.text).toContain('data-correct="true"');
			expect(answered.text).toContain('Right. It comes back on Friday 13 March.');
			expect(answered.text).toContain('href="/review">Next question');

			const twice = await at(client, '2026-03-10').form('/review', {
				quizId: key.id,
				questionId: first.id,
				answer: first.correct[0] as string,
			});
			expect(twice.status).toBe(409);
			expect(twice.text).toContain('not due for review until Friday 13 March');

			const none = await at(client, '2026-03-10').form('/review', { quizId: key.id, questionId: (key.questions[1] ?? first).id });
			expect(none.status).toBe(400);
			expect(none.text).toContain('Choose an answer first.');

			const anonymous = await api.client(false).get('/review');
			expect(anonymous.status).toBe(303);
			expect(anonymous.headers.get('location')).toBe('/login?next=%2Freview');
		});

		it('keeps each learner to their own queue: another learner cannot answer or see a card', async () => {
			const a = await learner('owner');
			const b = await learner('other');
			await at(a.client, '2026-03-09').post(`/api/v1/me/quizzes/${key.id}/attempts`, { answers: wrongAnswers(key) });
			expect((await queue(b.client, '2026-03-10')).dueCount).toBe(0);
			const res = await review(b.client, '2026-03-10', true);
			expect(res.status).toBe(404);
			expect((await queue(a.client, '2026-03-10')).dueCount).toBe(key.questions.length);
		});

		it('refuses bad input with the one error shape', async () => {
			const { client } = await learner('errors');
			const unknown = await at(client, '2026-03-10').post('/api/v1/me/reviews', {
				quizId: key.id,
				questionId: 'no-such-question',
				answer: ['x'],
			});
			expect(unknown.status).toBe(404);
			expect(isErrorShape(unknown.json)).toBe(true);
			const bad = await client.post('/api/v1/me/reviews', { quizId: 'Not A Slug', questionId: first.id, answer: [] });
			expect(bad.status).toBe(400);
			expect((await api.client(false).get('/api/v1/me/reviews')).status).toBe(401);
		});
	});
}
