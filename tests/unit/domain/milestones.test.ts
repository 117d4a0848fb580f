import { describe, expect, it } from 'vitest';
import { certificateEarned, type Milestone, type MilestoneInput, milestones } from '../../../src/domain/milestones.ts';
import { computeStreak, streakReachedOn } from '../../../src/domain/streaks.ts';
import { addDays } from '../../../src/domain/dates.ts';

const chapters = [
	{ id: 'intro', quiz: { id: 'intro', passMark: 70 } },
	{ id: 'middle', quiz: null },
	{ id: 'last', quiz: { id: 'last', passMark: 80 } },
];

function input(over: Partial<MilestoneInput> = {}): MilestoneInput {
	return { chapters, completions: [], quizzes: {}, activeDays: [], frozenDays: [], today: '2026-12-01', timezone: 'UTC', ...over };
}

const byId = (list: ReturnType<typeof milestones>) => Object.fromEntries(list.map((m) => [m.id, m])) as Record<Milestone['id'], Milestone>;
const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));

describe('milestones', () => {
	it('nothing reached for a new learner, in a fixed order', () => {
		const list = milestones(input());
		expect(list.map((m) => m.id)).toEqual(['first_chapter', 'first_pass', 'streak_7', 'streak_30', 'streak_100', 'course_complete']);
		expect(list.every((m) => !m.reached && m.reachedOn === null)).toBe(true);
	});

	it('first chapter: the earliest completion, on the learner’s local day', () => {
		const m = byId(
			milestones(
				input({
					timezone: 'Pacific/Auckland',
					completions: [
						{ chapterId: 'last', completedAt: new Date('2026-11-20T12:00:00Z') },
						{ chapterId: 'intro', completedAt: new Date('2026-11-10T11:30:00Z') },
						{ chapterId: 'gone-from-the-course', completedAt: new Date('2026-01-01T00:00:00Z') },
					],
				}),
			),
		);
		// 11:30 UTC is already the next day in Auckland (UTC+13 in November).
		expect(m.first_chapter).toMatchObject({ reached: true, reachedOn: '2026-11-11' });
	});

	it('first pass: a quiz whose best reaches the pass mark, dated by its first passing attempt', () => {
		const m = byId(
			milestones(
				input({
					quizzes: {
						intro: { best: 60, latest: 60, attempts: 1, firstPassedAt: null },
						last: { best: 90, latest: 50, attempts: 3, firstPassedAt: new Date('2026-11-15T08:00:00Z') },
					},
				}),
			),
		);
		expect(m.first_pass).toMatchObject({ reached: true, reachedOn: '2026-11-15' });
		expect(m.course_complete.reached).toBe(false);
	});

	it('a pass whose attempt was graded under a higher pass mark is reached but undated', () => {
		const m = byId(milestones(input({ quizzes: { intro: { best: 70, latest: 70, attempts: 1, firstPassedAt: null } } })));
		expect(m.first_pass).toMatchObject({ reached: true, reachedOn: null });
	});

	it('streaks: the day the 7th active day of a run came, frozen days bridging but not counting', () => {
		const active = [...days('2026-11-01', 3), ...days('2026-11-05', 4)];
		const m = byId(milestones(input({ activeDays: active, frozenDays: ['2026-11-04'] })));
		expect(m.streak_7).toMatchObject({ reached: true, reachedOn: '2026-11-08' });
		expect(m.streak_30.reached).toBe(false);
		// The same rule as the longest streak.
		expect(computeStreak({ activeDays: active, frozenDays: ['2026-11-04'], today: '2026-12-01' }).longest).toBe(7);
		// Without the freeze the runs are 3 and 4: no 7-day streak.
		expect(byId(milestones(input({ activeDays: active }))).streak_7.reached).toBe(false);
	});

	it('a broken streak keeps its milestone; 100 days across a leap day', () => {
		const active = days('2028-01-01', 100);
		const m = byId(milestones(input({ activeDays: active, today: '2028-06-01' })));
		expect(m.streak_100).toMatchObject({ reached: true, reachedOn: '2028-04-09' });
		expect(m.streak_30.reachedOn).toBe('2028-01-30');
		expect(streakReachedOn({ activeDays: active, frozenDays: [], today: '2028-06-01' }, 101)).toBeNull();
	});

	it('days after today (a move west) do not count yet', () => {
		expect(streakReachedOn({ activeDays: days('2026-11-25', 8), frozenDays: [], today: '2026-11-30' }, 7)).toBeNull();
	});

	it('course complete: every quiz passed and the quizless chapter read, dated by the last of them', () => {
		const quizzes = {
			intro: { best: 100, latest: 100, attempts: 1, firstPassedAt: new Date('2026-11-02T10:00:00Z') },
			last: { best: 80, latest: 80, attempts: 2, firstPassedAt: new Date('2026-11-09T10:00:00Z') },
		};
		expect(byId(milestones(input({ quizzes }))).course_complete.reached).toBe(false);
		const m = byId(milestones(input({ quizzes, completions: [{ chapterId: 'middle', completedAt: new Date('2026-11-12T10:00:00Z') }] })));
		expect(m.course_complete).toMatchObject({ reached: true, reachedOn: '2026-11-12' });
	});
});

describe('certificateEarned', () => {
	const passedAt = (iso: string) => ({ best: 100, latest: 100, attempts: 1, firstPassedAt: new Date(iso) });

	it('needs every quiz passed (chapters without a quiz do not count) and is dated by the last first pass', () => {
		expect(certificateEarned(chapters, { intro: passedAt('2026-11-02T10:00:00Z') })).toEqual({ earned: false, earnedAt: null });
		expect(certificateEarned(chapters, { intro: passedAt('2026-11-02T10:00:00Z'), last: passedAt('2026-11-09T10:00:00Z') })).toEqual({
			earned: true,
			earnedAt: new Date('2026-11-09T10:00:00Z'),
		});
	});

	it('a best under the pass mark in force now does not count', () => {
		expect(
			certificateEarned(chapters, { intro: passedAt('2026-11-02T10:00:00Z'), last: { ...passedAt('2026-11-09T10:00:00Z'), best: 79 } })
				.earned,
		).toBe(false);
	});

	it('a course without quizzes has no certificate to earn', () => {
		expect(certificateEarned([{ id: 'only', quiz: null }], {}).earned).toBe(false);
		expect(certificateEarned([], {}).earned).toBe(false);
	});
});
