import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/server/db/schema.ts';
import {
	addFrozenDays,
	bestPercentByQuiz,
	listActivityDays,
	listCompletions,
	listFrozenDays,
	markChapterComplete,
	recordActivity,
	writeAndReadLearner,
} from '../../../src/server/repositories/progress.ts';
import { insertAttempt, listAttempts, recordAttempt } from '../../../src/server/repositories/quizzes.ts';
import {
	createUser,
	EmailTakenError,
	findUserByEmail,
	findUserById,
	searchUsers,
	setPassword,
	setRole,
	setTier,
	tierHistory,
	UserNotFoundError,
	updateProfile,
} from '../../../src/server/repositories/users.ts';
import { openTestDatabase, TARGETS, type TestDatabase, uniqueEmail } from './harness.ts';

const T0 = new Date('2026-02-01T10:00:00.000Z');
const PARALLEL = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

for (const target of TARGETS) {
	describe(`${target}: repositories`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await openTestDatabase(target);
		});
		afterAll(async () => {
			await t?.cleanup();
		});

		const newUser = (displayName = 'Ada'): Promise<User> =>
			createUser(t.handle.db, { email: uniqueEmail('r'), passwordHash: 'hash-1', displayName });

		describe('users', () => {
			it('creates a user with defaults and a normalized email', async () => {
				const email = uniqueEmail('Mixed');
				const user = await createUser(t.handle.db, {
					email: `  ${email.toUpperCase()} `,
					passwordHash: 'hash-1',
					displayName: 'Ada',
				});
				expect(user.id).toMatch(/^[a-z2-7]{26}$/);
				expect(user).toMatchObject({
					email: email.toLowerCase(),
					password_hash: 'hash-1',
					display_name: 'Ada',
					timezone: 'UTC',
					role: 'student',
					tier: 'free',
				});
				expect(user.created_at).toBeInstanceOf(Date);
				expect((await findUserByEmail(t.handle.db, ` ${email.toUpperCase()}`))?.id).toBe(user.id);
				expect((await findUserById(t.handle.db, user.id))?.email).toBe(email.toLowerCase());
				expect(await findUserById(t.handle.db, 'nobody')).toBeUndefined();
			});

			it('throws EmailTakenError for a duplicate email, whatever its case', async () => {
				const email = uniqueEmail('dup');
				await createUser(t.handle.db, { email, passwordHash: 'h', displayName: 'One' });
				const error = await createUser(t.handle.db, {
					email: ` ${email.toUpperCase()}`,
					passwordHash: 'h',
					displayName: 'Two',
				}).catch((e: unknown) => e);
				expect(error).toBeInstanceOf(EmailTakenError);
				expect((error as EmailTakenError).email).toBe(email.toLowerCase());
			});

			it('accepts explicit role, tier and timezone', async () => {
				const user = await createUser(t.handle.db, {
					email: uniqueEmail('admin'),
					passwordHash: 'h',
					displayName: 'Root',
					timezone: 'Europe/Paris',
					role: 'admin',
					tier: 'team',
				});
				expect(user).toMatchObject({ timezone: 'Europe/Paris', role: 'admin', tier: 'team' });
			});

			it('updates profile, password and role', async () => {
				const user = await newUser();
				const switchAt = new Date('2026-12-02T00:00:00Z');
				const updated = await updateProfile(t.handle.db, user.id, { timezone: { timezone: 'Asia/Tokyo', previous: 'UTC', switchAt } });
				expect(updated).toMatchObject({
					display_name: 'Ada',
					timezone: 'Asia/Tokyo',
					timezone_previous: 'UTC',
					timezone_switch_at: switchAt,
				});
				expect(updated).not.toHaveProperty('password_hash');
				expect(updated?.updated_at.getTime()).toBeGreaterThanOrEqual(user.updated_at.getTime());
				expect((await updateProfile(t.handle.db, user.id, { displayName: 'Ada L.' }))?.display_name).toBe('Ada L.');
				expect(await updateProfile(t.handle.db, 'nobody', { displayName: 'x' })).toBeUndefined();

				expect(await setPassword(t.handle.db, user.id, 'hash-2')).toBe(true);
				expect(await setRole(t.handle.db, user.id, 'admin')).toBe(true);
				expect(await setRole(t.handle.db, 'nobody', 'admin')).toBe(false);
				expect(await findUserById(t.handle.db, user.id)).toMatchObject({
					password_hash: 'hash-2',
					role: 'admin',
					display_name: 'Ada L.',
				});
			});

			it('setTier changes the tier and writes one audit row per real change', async () => {
				const user = await newUser();
				expect(await setTier(t.handle.db, user.id, 'premium', 'billing', 'stripe checkout')).toEqual({
					from: 'free',
					to: 'premium',
				});
				expect(await setTier(t.handle.db, user.id, 'premium', 'billing', 'webhook retry')).toEqual({
					from: 'premium',
					to: 'premium',
				});
				expect(await setTier(t.handle.db, user.id, 'pro', 'admin:abc', null)).toEqual({ from: 'premium', to: 'pro' });
				expect((await findUserById(t.handle.db, user.id))?.tier).toBe('pro');

				const history = await tierHistory(t.handle.db, user.id);
				expect(history.map(({ from_tier, to_tier, actor, reason }) => ({ from_tier, to_tier, actor, reason }))).toEqual([
					{ from_tier: 'free', to_tier: 'premium', actor: 'billing', reason: 'stripe checkout' },
					{ from_tier: 'premium', to_tier: 'pro', actor: 'admin:abc', reason: null },
				]);
				expect(history[0]?.id).toEqual(expect.any(Number));
				await expect(setTier(t.handle.db, 'nobody', 'pro', 'cli')).rejects.toBeInstanceOf(UserNotFoundError);
			});

			it('setTier serializes concurrent changes so the audit trail chains', async () => {
				const user = await newUser();
				const tiers = ['premium', 'pro', 'team', 'free', 'premium', 'pro'] as const;
				await Promise.all(tiers.map((tier) => setTier(t.handle.db, user.id, tier, 'cli')));
				const history = await tierHistory(t.handle.db, user.id);
				let previous = 'free';
				for (const change of history) {
					expect(change.from_tier).toBe(previous);
					expect(change.to_tier).not.toBe(change.from_tier);
					previous = change.to_tier;
				}
				expect((await findUserById(t.handle.db, user.id))?.tier).toBe(previous);
			});

			it('searches by email or name, case-insensitively, with LIKE wildcards escaped', async () => {
				const tag = `zq${Date.now().toString(36)}`;
				await createUser(t.handle.db, { email: `${tag}_one@example.test`, passwordHash: 'h', displayName: 'Grace' });
				await createUser(t.handle.db, { email: `${tag}xtwo@example.test`, passwordHash: 'h', displayName: 'Linus' });
				await createUser(t.handle.db, {
					email: uniqueEmail('other'),
					passwordHash: 'h',
					displayName: `Person ${tag.toUpperCase()}`,
				});
				expect((await searchUsers(t.handle.db, tag, 10)).length).toBe(3);
				expect((await searchUsers(t.handle.db, `${tag}_`, 10)).map((u) => u.email)).toEqual([`${tag}_one@example.test`]);
				expect(await searchUsers(t.handle.db, tag, 2)).toHaveLength(2);
				const [hit] = await searchUsers(t.handle.db, `${tag}xtwo`, 10);
				expect(hit?.display_name).toBe('Linus');
				expect(hit).not.toHaveProperty('password_hash');
			});
		});

		describe('progress', () => {
			it(`counts a chapter completion once under ${PARALLEL} parallel calls`, async () => {
				const user = await newUser();
				const results = await Promise.all(
					Array.from({ length: PARALLEL }, (_, i) =>
						markChapterComplete(t.handle.db, user.id, 'what-is-an-agent', new Date(T0.getTime() + i * 1000)),
					),
				);
				expect(results.filter((r) => r.created)).toHaveLength(1);
				const completions = await listCompletions(t.handle.db, user.id);
				expect(completions).toHaveLength(1);
				expect(completions[0]?.chapter_id).toBe('what-is-an-agent');

				expect(await markChapterComplete(t.handle.db, user.id, 'tool-use', new Date(T0.getTime() + DAY_MS))).toEqual({
					created: true,
				});
				expect((await listCompletions(t.handle.db, user.id)).map((c) => c.chapter_id)).toEqual(['what-is-an-agent', 'tool-use']);
			});

			it('writes and reads in one statement: what it just wrote is in what it returns, a repeat changes nothing', async () => {
				const user = await newUser();
				await recordActivity(t.handle.db, user.id, '2026-01-30', 'checkin');
				await addFrozenDays(t.handle.db, user.id, ['2026-01-31']);
				await insertAttempt(t.handle.db, {
					userId: user.id,
					quizId: 'tool-use',
					answers: {},
					score: 3,
					total: 4,
					percent: 75,
					passed: true,
					localDate: '2026-01-30',
					now: T0,
				});
				const all = ['completions', 'best', 'activeDays', 'frozenDays', 'lastActiveDay'] as const;
				const writes = { completeChapter: { chapterId: 'tool-use', now: T0 }, activity: { day: '2026-02-01', source: 'chapter' as const } };
				const first = await writeAndReadLearner(t.handle.db, user.id, all, writes);
				expect(first).toEqual({
					completions: [{ chapter_id: 'tool-use', completed_at: T0 }],
					best: { 'tool-use': 75 },
					activeDays: ['2026-01-30', '2026-02-01'],
					frozenDays: ['2026-01-31'],
					lastActiveDay: '2026-02-01',
					completionCreated: true,
					activityCreated: true,
				});
				const again = await writeAndReadLearner(t.handle.db, user.id, all, {
					completeChapter: { chapterId: 'tool-use', now: new Date(T0.getTime() + DAY_MS) },
					activity: writes.activity,
				});
				expect(again).toEqual({ ...first, completionCreated: false, activityCreated: false });
				// Only what is asked for is read; the last active day alone comes from max(day).
				expect(await writeAndReadLearner(t.handle.db, user.id, ['lastActiveDay'])).toEqual({
					lastActiveDay: '2026-02-01',
					completionCreated: false,
					activityCreated: false,
				});
				const stranger = await newUser();
				expect(await writeAndReadLearner(t.handle.db, stranger.id, all)).toEqual({
					completions: [],
					best: {},
					activeDays: [],
					frozenDays: [],
					lastActiveDay: null,
					completionCreated: false,
					activityCreated: false,
				});
			});

			it(`records an activity day once under ${PARALLEL} parallel calls, keeping the first source`, async () => {
				const user = await newUser();
				const sources = ['checkin', 'chapter', 'quiz'] as const;
				const results = await Promise.all(
					Array.from({ length: PARALLEL }, (_, i) =>
						recordActivity(t.handle.db, user.id, '2026-02-01', sources[i % 3] as (typeof sources)[number]).then((r) => ({
							...r,
							source: sources[i % 3],
						})),
					),
				);
				const winners = results.filter((r) => r.created);
				expect(winners).toHaveLength(1);
				const row = await t.handle.db.selectFrom('activity_days').select(['day', 'first_source']).where('user_id', '=', user.id).execute();
				expect(row).toEqual([{ day: '2026-02-01', first_source: winners[0]?.source }]);
			});

			it('lists activity days as sorted strings, optionally since a day', async () => {
				const user = await newUser();
				for (const day of ['2026-02-03', '2026-01-31', '2026-02-01', '2025-12-31']) {
					await recordActivity(t.handle.db, user.id, day, 'checkin');
				}
				expect(await listActivityDays(t.handle.db, user.id)).toEqual(['2025-12-31', '2026-01-31', '2026-02-01', '2026-02-03']);
				expect(await listActivityDays(t.handle.db, user.id, '2026-02-01')).toEqual(['2026-02-01', '2026-02-03']);
				await expect(recordActivity(t.handle.db, user.id, '2026-02-04', 'nap' as 'quiz')).rejects.toThrow(
					/activity_days_first_source_check/,
				);
			});

			it('adds frozen days idempotently', async () => {
				const user = await newUser();
				expect(await addFrozenDays(t.handle.db, user.id, [])).toEqual({ added: 0 });
				expect(await addFrozenDays(t.handle.db, user.id, ['2026-02-02', '2026-01-30', '2026-02-02'])).toEqual({
					added: 2,
				});
				expect(await addFrozenDays(t.handle.db, user.id, ['2026-02-02', '2026-02-05'])).toEqual({ added: 1 });
				const parallel = await Promise.all(Array.from({ length: PARALLEL }, () => addFrozenDays(t.handle.db, user.id, ['2026-03-01'])));
				expect(parallel.reduce((sum, r) => sum + r.added, 0)).toBe(1);
				expect(await listFrozenDays(t.handle.db, user.id)).toEqual(['2026-01-30', '2026-02-02', '2026-02-05', '2026-03-01']);
			});
		});

		describe('quiz attempts', () => {
			it('stores attempts, lists them newest first, counts per day and keeps best scores', async () => {
				const user = await newUser();
				const attempt = (quizId: string, percent: number, localDate: string, minutes: number) =>
					insertAttempt(t.handle.db, {
						userId: user.id,
						quizId,
						answers: { q1: ['a', 'c'], q2: 'b', meta: { hints: 0 } },
						score: Math.round(percent / 10),
						total: 10,
						percent,
						passed: percent >= 70,
						localDate,
						now: new Date(T0.getTime() + minutes * 60_000),
					});

				const first = await attempt('tool-use', 40, '2026-02-01', 0);
				expect(first).toMatchObject({
					id: expect.any(Number),
					user_id: user.id,
					quiz_id: 'tool-use',
					answers: { q1: ['a', 'c'], q2: 'b', meta: { hints: 0 } },
					score: 4,
					total: 10,
					percent: 40,
					passed: false,
					local_date: '2026-02-01',
					created_at: T0,
				});
				await attempt('tool-use', 90, '2026-02-01', 5);
				await attempt('tool-use', 70, '2026-02-02', 60 * 24);
				await attempt('memory', 55, '2026-02-01', 10);

				const all = await listAttempts(t.handle.db, user.id);
				expect(all.map((a) => [a.quiz_id, a.percent])).toEqual([
					['tool-use', 70],
					['memory', 55],
					['tool-use', 90],
					['tool-use', 40],
				]);
				expect((await listAttempts(t.handle.db, user.id, 'memory')).map((a) => a.percent)).toEqual([55]);

				// recordAttempt counts the day's attempts at one quiz and writes only under the daily limit.
				const record = (quizId: string, localDate: string, dailyLimit: number | null) =>
					recordAttempt(t.handle.db, {
						userId: user.id,
						quizId,
						answers: { q1: ['a'] },
						score: 1,
						total: 10,
						percent: 10,
						passed: false,
						localDate,
						now: new Date(T0.getTime() + DAY_MS * 2),
						dailyLimit,
						askPassedBefore: true,
					});
				const refused = await record('tool-use', '2026-02-01', 2);
				expect(refused).toEqual({ attempt: null, usedBefore: 2, passedBefore: true, lastCoveredBeforeToday: null });
				const accepted = await record('tool-use', '2026-02-02', 2);
				expect(accepted).toMatchObject({
					usedBefore: 1,
					passedBefore: true,
					attempt: { quiz_id: 'tool-use', percent: 10, local_date: '2026-02-02' },
				});
				// Not the day's first activity: no gap to report.
				expect(await record('memory', '2026-02-02', 2)).toMatchObject({ usedBefore: 0, passedBefore: false, lastCoveredBeforeToday: null });
				// The first activity of 3 February: the day before it the streak covered was 2 February.
				expect(await record('memory', '2026-02-03', null)).toMatchObject({
					usedBefore: 0,
					passedBefore: false,
					attempt: { quiz_id: 'memory' },
					lastCoveredBeforeToday: '2026-02-02',
				});
				expect((await listAttempts(t.handle.db, user.id)).length).toBe(7);
				// Each accepted attempt counted its day as active; the refused one wrote nothing.
				expect(await listActivityDays(t.handle.db, user.id)).toEqual(['2026-02-02', '2026-02-03']);

				expect(await bestPercentByQuiz(t.handle.db, user.id)).toEqual({ 'tool-use': 90, memory: 55 });
				expect(await bestPercentByQuiz(t.handle.db, 'nobody')).toEqual({});
			});

			it('stores array answers as JSON, not as a Postgres array', async () => {
				const user = await newUser();
				const saved = await insertAttempt(t.handle.db, {
					userId: user.id,
					quizId: 'q',
					answers: [0, 2, 1],
					score: 1,
					total: 3,
					percent: 33,
					passed: false,
					localDate: '2026-02-01',
					now: T0,
				});
				expect(saved.answers).toEqual([0, 2, 1]);
			});
		});

		it('deletes everything of a user with the user (cascade)', async () => {
			const user = await newUser();
			await markChapterComplete(t.handle.db, user.id, 'c', T0);
			await recordActivity(t.handle.db, user.id, '2026-02-01', 'chapter');
			await addFrozenDays(t.handle.db, user.id, ['2026-02-02']);
			await setTier(t.handle.db, user.id, 'pro', 'cli');
			await insertAttempt(t.handle.db, {
				userId: user.id,
				quizId: 'q',
				answers: {},
				score: 0,
				total: 1,
				percent: 0,
				passed: false,
				localDate: '2026-02-01',
				now: T0,
			});
			await t.handle.db.deleteFrom('users').where('id', '=', user.id).execute();
			for (const table of ['chapter_completions', 'activity_days', 'streak_freezes', 'tier_changes', 'quiz_attempts'] as const) {
				const left = await t.handle.db
					.selectFrom(table)
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.where('user_id', '=', user.id)
					.executeTakeFirstOrThrow();
				expect(left.n, table).toBe(0);
			}
		});
	});
}
