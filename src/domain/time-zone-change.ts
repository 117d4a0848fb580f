/**
 * When a learner's new time zone starts to count for days (daily quiz attempts, streak days).
 *
 * A change applied at once lets a learner hop between calendar days: used every attempt today?
 * Move a zone east and it is tomorrow, with fresh attempts; active at 23:00? Move east and be
 * active "tomorrow" a minute later, a two-day streak. So, as Duolingo and others do, a change takes
 * effect at the next midnight of the zone in force: the day the learner is in ends as it would have,
 * and the local date never runs backwards or skips a day (it can skip one, never gain one,
 * only between zones 24 hours or more apart, a few Pacific pairs). A learner with no history yet, or going back to the zone in force,
 * changes at once: there is nothing to gain.
 */
import { startOfNextLocalDay } from './dates.ts';

export interface TimeZoneSetting {
	/** The zone the learner chose. */
	timezone: string;
	/** The zone still in force until `switchAt`; null when the chosen one is in force. */
	previous: string | null;
	switchAt: Date | null;
}

/** The zone whose calendar counts at `now`. */
export function timeZoneInForce(setting: TimeZoneSetting, now: Date): string {
	return setting.previous !== null && setting.switchAt !== null && now.getTime() < setting.switchAt.getTime()
		? setting.previous
		: setting.timezone;
}

/** The chosen zone and when it takes over, while it waits; null once it is in force. */
export function pendingTimeZone(setting: TimeZoneSetting, now: Date): { timezone: string; from: Date } | null {
	if (timeZoneInForce(setting, now) === setting.timezone || setting.switchAt === null) return null;
	return { timezone: setting.timezone, from: setting.switchAt };
}

/** The setting after the learner asks for `requested` at `now`. */
export function changeTimeZone(setting: TimeZoneSetting, requested: string, now: Date, options: { hasHistory: boolean }): TimeZoneSetting {
	const inForce = timeZoneInForce(setting, now);
	if (requested === setting.timezone) return pendingTimeZone(setting, now) ? setting : settled(requested);
	if (requested === inForce || !options.hasHistory) return settled(requested);
	return { timezone: requested, previous: inForce, switchAt: startOfNextLocalDay(now, inForce) };
}

function settled(timezone: string): TimeZoneSetting {
	return { timezone, previous: null, switchAt: null };
}
