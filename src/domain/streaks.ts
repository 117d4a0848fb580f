/**
 * Learning streaks, computed from calendar days in the learner's own time zone (see
 * localDate in dates.ts). Everything here is a pure function of the stored days and `today`,
 * so a streak never depends on when a background job happened to run.
 *
 * Input days may be unsorted and contain duplicates. Days after `today` are ignored: they can
 * only appear if the learner moved west across time zones, and they count once their date
 * arrives. A day that is both active and frozen counts as active.
 */

import { addDays, assertDay, diffDays, monthOf } from './dates.ts';

export interface StreakInput {
	activeDays: readonly string[];
	frozenDays: readonly string[];
	/** The learner's local date now ('YYYY-MM-DD'). */
	today: string;
}

export interface FreezePlanInput extends StreakInput {
	/** How many freezes may be used per calendar month (a missed day counts in its own month). */
	freezesPerMonth: number;
}

export interface Streak {
	/** Active days in the run that ends today, or yesterday while today is not done yet. */
	current: number;
	/** Active days in the longest run ever (frozen days bridge runs but do not count). */
	longest: number;
	lastActiveDay: string | null;
	todayDone: boolean;
}

interface Run {
	start: string;
	end: string;
	active: number;
}

/** Validated, de-duplicated, sorted days on or before `until`. */
function daysUpTo(days: readonly string[], until: string): string[] {
	return [...new Set(days)].filter((d) => assertDay(d) <= until).sort();
}

/** Maximal runs of consecutive covered days, in date order. */
function runsOf(sortedCovered: readonly string[], active: ReadonlySet<string>): Run[] {
	const runs: Run[] = [];
	let run: Run | undefined;
	for (const day of sortedCovered) {
		if (run && diffDays(run.end, day) === 1) {
			run.end = day;
		} else {
			run = { start: day, end: day, active: 0 };
			runs.push(run);
		}
		if (active.has(day)) run.active += 1;
	}
	return runs;
}

/** A missing, negative or NaN allowance means no freezes; Infinity means unlimited. */
function allowance(freezesPerMonth: number): number {
	return Number.isNaN(freezesPerMonth) ? 0 : Math.max(0, Math.floor(freezesPerMonth));
}

/**
 * The current and longest streak. A streak is a run of consecutive days that are each active
 * or frozen; its length counts only active days. The current run may end yesterday because
 * today can still be completed: the streak is only lost once a whole day passes uncovered.
 */
export function computeStreak({ activeDays, frozenDays, today }: StreakInput): Streak {
	assertDay(today);
	const active = daysUpTo(activeDays, today);
	const activeSet = new Set(active);
	const covered = [...new Set([...active, ...daysUpTo(frozenDays, today)])].sort();
	const runs = runsOf(covered, activeSet);

	const last = runs.at(-1);
	const alive = last !== undefined && diffDays(last.end, today) <= 1;
	return {
		current: alive ? last.active : 0,
		longest: runs.reduce((max, r) => Math.max(max, r.active), 0),
		lastActiveDay: active.at(-1) ?? null,
		todayDone: activeSet.has(today),
	};
}

/**
 * The missed days to freeze now so the streak survives, like Duolingo's streak freeze. The
 * caller persists them as frozen days; calling again with the result included returns [].
 *
 * - The gap considered is every day after the last active-or-frozen day before `today`, up to
 *   and including yesterday. Today is never frozen: it can still be completed.
 * - Only a run that contains real activity is worth saving, so nothing is frozen before the
 *   learner's first activity or to extend a run made only of frozen days.
 * - Each frozen day spends one freeze from the allowance of its own calendar month; days
 *   already frozen in that month count against it.
 * - All or nothing: if any missed day cannot be covered the streak is broken anyway, so []
 *   is returned and no freeze is wasted.
 */
export function planFreezes({ activeDays, frozenDays, today, freezesPerMonth }: FreezePlanInput): string[] {
	assertDay(today);
	const yesterday = addDays(today, -1);
	const frozenAll = [...new Set(frozenDays)];
	const active = daysUpTo(activeDays, yesterday);
	const covered = [...new Set([...active, ...daysUpTo(frozenAll, yesterday)])].sort();
	const lastRun = runsOf(covered, new Set(active)).at(-1);
	if (lastRun === undefined || lastRun.active === 0) return [];

	const missedCount = diffDays(lastRun.end, yesterday);
	if (missedCount <= 0) return [];

	const perMonth = allowance(freezesPerMonth);
	const used = new Map<string, number>();
	for (const d of frozenAll) {
		const month = monthOf(d);
		used.set(month, (used.get(month) ?? 0) + 1);
	}

	const plan: string[] = [];
	for (let i = 1; i <= missedCount; i += 1) {
		const day = addDays(lastRun.end, i);
		const month = monthOf(day);
		const spent = used.get(month) ?? 0;
		if (spent >= perMonth) return [];
		used.set(month, spent + 1);
		plan.push(day);
	}
	return plan;
}

/** Freezes still available in the calendar month of `today` (never negative). */
export function freezesLeft({
	frozenDays,
	today,
	freezesPerMonth,
}: {
	frozenDays: readonly string[];
	today: string;
	freezesPerMonth: number;
}): number {
	const month = monthOf(today);
	const used = new Set(frozenDays.filter((d) => monthOf(d) === month)).size;
	return Math.max(0, allowance(freezesPerMonth) - used);
}

/**
 * The day a streak of `length` active days was first reached: the `length`-th active day of the first run
 * (active or frozen days, as computeStreak counts them) that held that many; null when none has yet.
 */
export function streakReachedOn({ activeDays, frozenDays, today }: StreakInput, length: number): string | null {
	assertDay(today);
	const active = daysUpTo(activeDays, today);
	const activeSet = new Set(active);
	const covered = [...new Set([...active, ...daysUpTo(frozenDays, today)])].sort();
	let count = 0;
	let previous: string | undefined;
	for (const day of covered) {
		if (previous === undefined || diffDays(previous, day) !== 1) count = 0;
		previous = day;
		if (activeSet.has(day)) count += 1;
		if (count >= length && length > 0) return day;
	}
	return null;
}
