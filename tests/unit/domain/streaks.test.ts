import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../src/domain/dates.ts';
import { computeStreak, freezesLeft, planFreezes } from '../../../src/domain/streaks.ts';

/** Consecutive days starting at `from`. */
function days(from: string, count: number): string[] {
	return Array.from({ length: count }, (_, i) => addDays(from, i));
}

describe('computeStreak', () => {
	it('is zero for an empty history', () => {
		expect(computeStreak({ activeDays: [], frozenDays: [], today: '2026-05-10' })).toEqual({
			current: 0,
			longest: 0,
			lastActiveDay: null,
			todayDone: false,
		});
	});

	it('counts a single day done today', () => {
		expect(computeStreak({ activeDays: ['2026-05-10'], frozenDays: [], today: '2026-05-10' })).toEqual({
			current: 1,
			longest: 1,
			lastActiveDay: '2026-05-10',
			todayDone: true,
		});
	});

	it('keeps a streak that ended yesterday alive while today is not done', () => {
		expect(computeStreak({ activeDays: ['2026-05-09'], frozenDays: [], today: '2026-05-10' })).toEqual({
			current: 1,
			longest: 1,
			lastActiveDay: '2026-05-09',
			todayDone: false,
		});
		const run = computeStreak({ activeDays: days('2026-05-05', 5), frozenDays: [], today: '2026-05-10' });
		expect(run).toMatchObject({ current: 5, longest: 5, todayDone: false });
	});

	it('breaks once a whole day passes without activity', () => {
		expect(computeStreak({ activeDays: days('2026-05-05', 4), frozenDays: [], today: '2026-05-10' })).toEqual({
			current: 0,
			longest: 4,
			lastActiveDay: '2026-05-08',
			todayDone: false,
		});
	});

	it('restarts after a gap and remembers the longest run', () => {
		const activeDays = [...days('2026-04-01', 7), ...days('2026-04-10', 3), '2026-04-20', '2026-04-21'];
		expect(computeStreak({ activeDays, frozenDays: [], today: '2026-04-21' })).toEqual({
			current: 2,
			longest: 7,
			lastActiveDay: '2026-04-21',
			todayDone: true,
		});
	});

	it('ignores duplicates and input order', () => {
		const activeDays = ['2026-05-10', '2026-05-08', '2026-05-09', '2026-05-08', '2026-05-10', '2026-05-01'];
		expect(computeStreak({ activeDays, frozenDays: ['2026-05-01', '2026-05-01'], today: '2026-05-10' })).toEqual({
			current: 3,
			longest: 3,
			lastActiveDay: '2026-05-10',
			todayDone: true,
		});
	});

	it('runs across month and year boundaries', () => {
		const activeDays = ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'];
		expect(computeStreak({ activeDays, frozenDays: [], today: '2027-01-02' }).current).toBe(4);
		const april = ['2026-04-29', '2026-04-30', '2026-05-01'];
		expect(computeStreak({ activeDays: april, frozenDays: [], today: '2026-05-02' }).current).toBe(3);
	});

	it('runs across a leap day', () => {
		const activeDays = ['2028-02-28', '2028-02-29', '2028-03-01'];
		expect(computeStreak({ activeDays, frozenDays: [], today: '2028-03-01' })).toMatchObject({ current: 3, longest: 3 });
		// In a common year Feb 28 -> Mar 1 is consecutive too.
		expect(computeStreak({ activeDays: ['2026-02-28', '2026-03-01'], frozenDays: [], today: '2026-03-01' }).current).toBe(2);
		// Skipping the leap day is a real gap.
		expect(computeStreak({ activeDays: ['2028-02-28', '2028-03-01'], frozenDays: [], today: '2028-03-01' }).current).toBe(1);
	});

	it('bridges runs with frozen days without counting them', () => {
		const r = computeStreak({
			activeDays: ['2026-05-05', '2026-05-06', '2026-05-09', '2026-05-10'],
			frozenDays: ['2026-05-07', '2026-05-08'],
			today: '2026-05-10',
		});
		expect(r).toEqual({ current: 4, longest: 4, lastActiveDay: '2026-05-10', todayDone: true });
	});

	it('keeps a streak alive through a frozen yesterday', () => {
		const r = computeStreak({ activeDays: ['2026-05-07', '2026-05-08'], frozenDays: ['2026-05-09'], today: '2026-05-10' });
		expect(r).toEqual({ current: 2, longest: 2, lastActiveDay: '2026-05-08', todayDone: false });
	});

	it('counts a day that is both active and frozen once, as active', () => {
		const r = computeStreak({ activeDays: ['2026-05-09', '2026-05-10'], frozenDays: ['2026-05-09'], today: '2026-05-10' });
		expect(r.current).toBe(2);
	});

	it('gives zero for runs made only of frozen days', () => {
		const r = computeStreak({ activeDays: [], frozenDays: ['2026-05-08', '2026-05-09'], today: '2026-05-10' });
		expect(r).toEqual({ current: 0, longest: 0, lastActiveDay: null, todayDone: false });
	});

	it('ignores days after today', () => {
		const r = computeStreak({ activeDays: ['2026-05-09', '2026-05-11'], frozenDays: ['2026-05-12'], today: '2026-05-10' });
		expect(r).toEqual({ current: 1, longest: 1, lastActiveDay: '2026-05-09', todayDone: false });
	});

	it('rejects malformed days', () => {
		expect(() => computeStreak({ activeDays: ['2026-5-9'], frozenDays: [], today: '2026-05-10' })).toThrow(RangeError);
		expect(() => computeStreak({ activeDays: [], frozenDays: [], today: '2026-02-30' })).toThrow(RangeError);
	});

	it('is a pure function of its inputs', () => {
		const input = { activeDays: ['2026-05-10', '2026-05-09'], frozenDays: ['2026-05-08'], today: '2026-05-10' };
		const before = structuredClone(input);
		expect(computeStreak(input)).toEqual(computeStreak(input));
		expect(input).toEqual(before);
	});
});

describe('computeStreak with local dates (time zones and DST)', () => {
	const zone = 'America/New_York';

	it('23:30 local still counts for that day, 00:30 local counts for the next', () => {
		const lateEvening = localDate(new Date('2026-05-10T03:30:00Z'), zone); // 2026-05-09 23:30 EDT
		const afterMidnight = localDate(new Date('2026-05-10T04:30:00Z'), zone); // 2026-05-10 00:30 EDT
		expect(lateEvening).toBe('2026-05-09');
		expect(afterMidnight).toBe('2026-05-10');
		const activeDays = ['2026-05-08', lateEvening];
		expect(computeStreak({ activeDays, frozenDays: [], today: afterMidnight })).toMatchObject({
			current: 2,
			todayDone: false,
		});
		expect(computeStreak({ activeDays: [...activeDays, afterMidnight], frozenDays: [], today: afterMidnight })).toMatchObject({
			current: 3,
			todayDone: true,
		});
	});

	it('the same UTC instants give different days in UTC, so the zone matters', () => {
		expect(localDate(new Date('2026-05-10T03:30:00Z'), 'UTC')).toBe('2026-05-10');
	});

	it('survives the New York spring-forward night (a 23-hour day)', () => {
		// 2026-03-07 23:30 EST, then 2026-03-08 00:30 EST and 23:30 EDT, then 2026-03-09 00:30 EDT.
		const instants = ['2026-03-08T04:30:00Z', '2026-03-08T05:30:00Z', '2026-03-09T03:30:00Z', '2026-03-09T04:30:00Z'];
		const local = instants.map((i) => localDate(new Date(i), zone));
		expect(local).toEqual(['2026-03-07', '2026-03-08', '2026-03-08', '2026-03-09']);
		expect(computeStreak({ activeDays: local, frozenDays: [], today: '2026-03-09' })).toMatchObject({ current: 3, longest: 3 });
	});

	it('survives the New York fall-back night (a 25-hour day)', () => {
		// 2026-11-01 00:30 EDT, 01:30 EDT, 01:30 EST and 23:30 EST are all the same local day.
		const sameDay = ['2026-11-01T04:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T04:30:00Z'];
		expect(sameDay.map((i) => localDate(new Date(i), zone))).toEqual(['2026-11-01', '2026-11-01', '2026-11-01', '2026-11-01']);
		const next = localDate(new Date('2026-11-02T05:30:00Z'), zone); // 2026-11-02 00:30 EST
		expect(next).toBe('2026-11-02');
		const activeDays = ['2026-10-31', ...sameDay.map((i) => localDate(new Date(i), zone)), next];
		expect(computeStreak({ activeDays, frozenDays: [], today: next }).current).toBe(3);
	});
});

describe('planFreezes', () => {
	const base = { frozenDays: [] as string[], freezesPerMonth: 2 };

	it('freezes a single missed day (yesterday) while today is not done yet', () => {
		expect(planFreezes({ ...base, activeDays: ['2026-05-07', '2026-05-08'], today: '2026-05-10' })).toEqual(['2026-05-09']);
	});

	it('freezes two consecutive missed days when the allowance covers them', () => {
		const plan = planFreezes({ ...base, activeDays: ['2026-05-07'], today: '2026-05-10' });
		expect(plan).toEqual(['2026-05-08', '2026-05-09']);
		const after = computeStreak({ activeDays: ['2026-05-07', '2026-05-10'], frozenDays: plan, today: '2026-05-10' });
		expect(after).toMatchObject({ current: 2, longest: 2 });
	});

	it('also fills a past gap when today is already done', () => {
		expect(planFreezes({ ...base, activeDays: ['2026-05-08', '2026-05-10'], today: '2026-05-10' })).toEqual(['2026-05-09']);
	});

	it('needs nothing when yesterday or today is covered', () => {
		expect(planFreezes({ ...base, activeDays: ['2026-05-09'], today: '2026-05-10' })).toEqual([]);
		expect(planFreezes({ ...base, activeDays: ['2026-05-10'], today: '2026-05-10' })).toEqual([]);
		expect(planFreezes({ ...base, activeDays: ['2026-05-08'], frozenDays: ['2026-05-09'], today: '2026-05-10' })).toEqual([]);
	});

	it('is idempotent: replanning with the persisted freezes returns nothing', () => {
		const activeDays = ['2026-05-07'];
		const plan = planFreezes({ ...base, activeDays, today: '2026-05-10' });
		expect(planFreezes({ ...base, activeDays, frozenDays: plan, today: '2026-05-10' })).toEqual([]);
	});

	it('extends an earlier freeze when more days are missed', () => {
		expect(planFreezes({ freezesPerMonth: 3, activeDays: ['2026-05-07'], frozenDays: ['2026-05-08'], today: '2026-05-10' })).toEqual([
			'2026-05-09',
		]);
	});

	it('never freezes anything for an empty history or before the first activity', () => {
		expect(planFreezes({ ...base, activeDays: [], today: '2026-05-10' })).toEqual([]);
		expect(planFreezes({ ...base, activeDays: ['2026-05-10'], today: '2026-05-10' })).toEqual([]);
		// Frozen-only runs are not worth extending.
		expect(planFreezes({ ...base, activeDays: [], frozenDays: ['2026-05-08'], today: '2026-05-10' })).toEqual([]);
	});

	it('never freezes today', () => {
		const plan = planFreezes({ freezesPerMonth: 10, activeDays: ['2026-05-01'], frozenDays: [], today: '2026-05-04' });
		expect(plan).toEqual(['2026-05-02', '2026-05-03']);
		expect(plan).not.toContain('2026-05-04');
	});

	it('returns [] rather than wasting freezes on a gap it cannot fully cover', () => {
		expect(planFreezes({ ...base, activeDays: ['2026-05-05'], today: '2026-05-10' })).toEqual([]); // 4 missed, 2 allowed
		expect(planFreezes({ freezesPerMonth: 4, activeDays: ['2026-05-05'], frozenDays: [], today: '2026-05-10' })).toHaveLength(4);
	});

	it('stops once the monthly allowance is used up, counting freezes already used that month', () => {
		const activeDays = ['2026-05-20'];
		const frozenDays = ['2026-05-03', '2026-05-11'];
		expect(planFreezes({ freezesPerMonth: 2, activeDays, frozenDays, today: '2026-05-22' })).toEqual([]);
		expect(planFreezes({ freezesPerMonth: 3, activeDays, frozenDays, today: '2026-05-22' })).toEqual(['2026-05-21']);
		// Last month's freezes do not count.
		expect(planFreezes({ freezesPerMonth: 1, activeDays, frozenDays: ['2026-04-30'], today: '2026-05-22' })).toEqual(['2026-05-21']);
	});

	it('charges each missed day to its own calendar month', () => {
		const activeDays = ['2026-04-29'];
		// Missed 04-30 and 05-01: one freeze in April, one in May.
		expect(planFreezes({ freezesPerMonth: 1, activeDays, frozenDays: [], today: '2026-05-02' })).toEqual(['2026-04-30', '2026-05-01']);
		// April's only freeze is already spent.
		expect(planFreezes({ freezesPerMonth: 1, activeDays: ['2026-04-29'], frozenDays: ['2026-04-10'], today: '2026-05-02' })).toEqual([]);
	});

	it('handles the leap day like any other day', () => {
		expect(planFreezes({ freezesPerMonth: 1, activeDays: ['2028-02-28'], frozenDays: [], today: '2028-03-01' })).toEqual(['2028-02-29']);
		const r = computeStreak({ activeDays: ['2028-02-28', '2028-03-01'], frozenDays: ['2028-02-29'], today: '2028-03-01' });
		expect(r.current).toBe(2);
	});

	it('handles zero, negative, fractional and NaN allowances', () => {
		const input = { activeDays: ['2026-05-08'], frozenDays: [], today: '2026-05-10' };
		expect(planFreezes({ ...input, freezesPerMonth: 0 })).toEqual([]);
		expect(planFreezes({ ...input, freezesPerMonth: -3 })).toEqual([]);
		expect(planFreezes({ ...input, freezesPerMonth: Number.NaN })).toEqual([]);
		expect(planFreezes({ ...input, freezesPerMonth: 1.9 })).toEqual(['2026-05-09']);
	});

	it('ignores duplicates and order', () => {
		const plan = planFreezes({
			freezesPerMonth: 3,
			activeDays: ['2026-05-06', '2026-05-01', '2026-05-06', '2026-05-05'],
			frozenDays: ['2026-05-02', '2026-05-02'],
			today: '2026-05-09',
		});
		// May already has one freeze (the duplicate counts once): 2 left covers 05-07 and 05-08.
		expect(plan).toEqual(['2026-05-07', '2026-05-08']);
	});

	it('does not count today or later when finding the gap', () => {
		// A frozen "today" (bad data) does not hide the missed yesterday.
		expect(planFreezes({ ...base, activeDays: ['2026-05-08'], frozenDays: ['2026-05-10'], today: '2026-05-10' })).toEqual(['2026-05-09']);
		// ...but it was still spent, so it counts against May's allowance.
		expect(planFreezes({ freezesPerMonth: 1, activeDays: ['2026-05-08'], frozenDays: ['2026-05-10'], today: '2026-05-10' })).toEqual([]);
	});
});

describe('freezesLeft', () => {
	it('counts distinct freezes in the month of today only', () => {
		const frozenDays = ['2026-04-30', '2026-05-01', '2026-05-01', '2026-05-15', '2026-06-01'];
		expect(freezesLeft({ frozenDays, today: '2026-05-20', freezesPerMonth: 3 })).toBe(1);
		expect(freezesLeft({ frozenDays, today: '2026-04-30', freezesPerMonth: 3 })).toBe(2);
		expect(freezesLeft({ frozenDays: [], today: '2026-05-20', freezesPerMonth: 2 })).toBe(2);
	});

	it('never goes negative', () => {
		expect(freezesLeft({ frozenDays: ['2026-05-01', '2026-05-02', '2026-05-03'], today: '2026-05-20', freezesPerMonth: 2 })).toBe(0);
		expect(freezesLeft({ frozenDays: [], today: '2026-05-20', freezesPerMonth: -1 })).toBe(0);
	});

	it('resets at a month boundary', () => {
		const frozenDays = ['2026-01-30', '2026-01-31'];
		expect(freezesLeft({ frozenDays, today: '2026-01-31', freezesPerMonth: 2 })).toBe(0);
		expect(freezesLeft({ frozenDays, today: '2026-02-01', freezesPerMonth: 2 })).toBe(2);
	});

	it('agrees with planFreezes about the allowance', () => {
		const input = { activeDays: ['2026-05-07'], frozenDays: ['2026-05-01'], today: '2026-05-10', freezesPerMonth: 3 };
		const plan = planFreezes(input);
		expect(plan).toHaveLength(2);
		expect(freezesLeft({ ...input, frozenDays: [...input.frozenDays, ...plan] })).toBe(0);
	});
});
