/**
 * Calendar-day helpers. A day is a 'YYYY-MM-DD' string: days are labels in the learner's
 * calendar, not instants, so they never go through a JS Date in local time. Day arithmetic
 * uses UTC on the date parts, where every day is exactly 24 hours long.
 */

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Builds a UTC timestamp without Date.UTC's 0-99 → 1900-1999 year remapping. */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
	const d = new Date(0);
	d.setUTCFullYear(year, month - 1, day);
	d.setUTCHours(hour, minute, second, 0);
	return d.getTime();
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

function formatDayMs(ms: number): string {
	const d = new Date(ms);
	return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** Parses a day to midnight UTC of that date; throws so bad data never silently shifts a streak. */
function dayToMs(day: string): number {
	const m = DAY_RE.exec(day);
	if (m) {
		const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
		const ms = utcMs(year, month, date);
		// Round-tripping rejects impossible dates such as 2026-02-30 that Date would roll over.
		if (formatDayMs(ms) === day) return ms;
	}
	throw new RangeError(`Invalid calendar day ${JSON.stringify(day)}: expected an existing date as YYYY-MM-DD`);
}

/** True for an existing calendar date written as 'YYYY-MM-DD' (so '2026-02-29' is false). */
export function isValidDay(x: unknown): x is string {
	if (typeof x !== 'string') return false;
	try {
		dayToMs(x);
		return true;
	} catch {
		return false;
	}
}

/** Throws a RangeError unless `day` is a valid 'YYYY-MM-DD' date; returns it for chaining. */
export function assertDay(day: string): string {
	dayToMs(day);
	return day;
}

/** Creating Intl formatters is slow, and every streak request needs one per time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			calendar: 'gregory',
			numberingSystem: 'latn',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
			hourCycle: 'h23',
			era: 'short',
		});
		formatters.set(timeZone, f);
	}
	return f;
}

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

/**
 * A zone's UTC offset is looked up once per quarter hour (Intl's formatToParts was ~6 % of a check-in's
 * CPU): a bucket is cached only when the offset at its first and last second agree, so a bucket holding a
 * transition is always computed exactly. (No zone has two transitions within fifteen minutes.)
 */
const OFFSET_BUCKET_MS = 15 * 60_000;
const MAX_CACHED_OFFSETS = 4096;
const offsets = new Map<string, number>();

function cachedOffset(ms: number, timeZone: string): number | undefined {
	const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
	const key = `${timeZone} ${bucket}`;
	const hit = offsets.get(key);
	if (hit !== undefined) return hit;
	const start = bucket * OFFSET_BUCKET_MS;
	const first = exactWallMs(start, timeZone) - start;
	const last = exactWallMs(start + OFFSET_BUCKET_MS - 1000, timeZone) - (start + OFFSET_BUCKET_MS - 1000);
	if (first !== last) return undefined;
	if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
	offsets.set(key, first);
	return first;
}

function wallClock(ms: number, timeZone: string): WallClock {
	const offset = cachedOffset(ms, timeZone);
	if (offset === undefined) return exactWallClock(ms, timeZone);
	const wall = new Date(Math.floor(ms / 1000) * 1000 + offset);
	return {
		year: wall.getUTCFullYear(),
		month: wall.getUTCMonth() + 1,
		day: wall.getUTCDate(),
		hour: wall.getUTCHours(),
		minute: wall.getUTCMinutes(),
		second: wall.getUTCSeconds(),
	};
}

function exactWallMs(ms: number, timeZone: string): number {
	const w = exactWallClock(ms, timeZone);
	return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second);
}

function exactWallClock(ms: number, timeZone: string): WallClock {
	const parts: Record<string, string> = {};
	for (const p of wallClockFormatter(timeZone).formatToParts(ms)) parts[p.type] = p.value;
	const yearOfEra = Number(parts.year);
	// 'en-US' labels BCE years "BC"; astronomical numbering keeps arithmetic simple.
	const year = parts.era === 'BC' ? 1 - yearOfEra : yearOfEra;
	return {
		year,
		month: Number(parts.month),
		day: Number(parts.day),
		hour: Number(parts.hour),
		minute: Number(parts.minute),
		second: Number(parts.second),
	};
}

/** The local wall-clock time at `ms`, expressed as if that wall time were UTC (seconds precision). */
function wallMs(ms: number, timeZone: string): number {
	const w = wallClock(ms, timeZone);
	return utcMs(w.year, w.month, w.day, w.hour, w.minute, w.second);
}

/** UTC offset in ms at an instant (local wall time minus UTC), e.g. +19_800_000 for Asia/Kolkata. */
function offsetMs(ms: number, timeZone: string): number {
	return wallMs(ms, timeZone) - Math.floor(ms / 1000) * 1000;
}

function assertInstant(instant: Date): number {
	const ms = instant.getTime();
	if (Number.isNaN(ms)) throw new RangeError('Invalid instant: the Date is NaN');
	return ms;
}

/**
 * True when Intl knows the zone (IANA names, case-insensitively, and fixed offsets such as
 * '+05:30'), so a learner's profile can never hold a zone that later makes localDate throw.
 */
export function isValidTimeZone(tz: unknown): tz is string {
	if (typeof tz !== 'string' || tz === '') return false;
	if (formatters.has(tz)) return true;
	try {
		wallClockFormatter(tz);
		return true;
	} catch {
		return false;
	}
}

/** The learner's calendar date at `instant` in `timeZone`; throws a RangeError for an unknown zone. */
export function localDate(instant: Date, timeZone: string): string {
	const w = wallClock(assertInstant(instant), timeZone);
	return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

/** The day `n` whole days after `day` (negative `n` goes back). */
export function addDays(day: string, n: number): string {
	if (!Number.isInteger(n)) throw new RangeError(`addDays needs a whole number of days, got ${n}`);
	return formatDayMs(dayToMs(day) + n * DAY_MS);
}

/** `count` consecutive days from `start` on (`start` first): addDays in a loop, parsing `start` once. */
export function daysFrom(start: string, count: number): string[] {
	const first = dayToMs(start);
	return Array.from({ length: count }, (_, i) => formatDayMs(first + i * DAY_MS));
}

/** `b - a` in whole days: diffDays('2026-03-01', '2026-03-03') === 2. */
export function diffDays(a: string, b: string): number {
	return Math.round((dayToMs(b) - dayToMs(a)) / DAY_MS);
}

/** 'YYYY-MM' of a day; streak freezes are budgeted per calendar month. */
export function monthOf(day: string): string {
	return assertDay(day).slice(0, 7);
}

/**
 * The first instant of the local day after the one containing `instant`: when "today" rolls
 * over for the learner (e.g. the deadline shown for keeping a streak alive).
 *
 * Local midnight is not always a single instant: DST may skip it (America/Santiago, Asia/Beirut
 * spring forward at 00:00, so the day starts at 01:00) or the offset may differ from the one at
 * `instant`. Following Temporal's approach, we try the offsets in force a day either side of the
 * target midnight and keep a candidate whose wall clock really reads 00:00 on the next day;
 * if midnight falls in a gap, the day starts at the transition itself, found by bisection.
 */
export function startOfNextLocalDay(instant: Date, timeZone: string): Date {
	const now = assertInstant(instant);
	const nextDay = addDays(localDate(instant, timeZone), 1);
	const target = dayToMs(nextDay); // the wall time "nextDay 00:00:00", as if it were UTC
	const before = offsetMs(target - DAY_MS, timeZone);
	const after = offsetMs(target + DAY_MS, timeZone);

	const candidates = [...new Set([target - before, target - after])]
		.filter((t) => t > now && wallMs(t, timeZone) === target)
		.sort((x, y) => x - y);
	const first = candidates[0];
	if (first !== undefined) return new Date(first);

	// Midnight does not exist that night: bisect for the instant the offset jumps from
	// `before` to `after`; at that instant the local date is already `nextDay`.
	let lo = Math.min(target - before, target - after);
	let hi = Math.max(target - before, target - after);
	while (hi - lo > 1000) {
		const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
		if (localDate(new Date(mid), timeZone) >= nextDay) hi = mid;
		else lo = mid;
	}
	return new Date(hi);
}

/** How long until `later`, as a learner reads it: "in 5 h 12 min", "in 40 min", "in less than a minute". */
export function timeUntil(now: Date, later: Date): string {
	const minutes = Math.floor((later.getTime() - now.getTime()) / 60_000);
	if (minutes < 1) return 'in less than a minute';
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	if (hours === 0) return `in ${rest} min`;
	return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

const MEDIUM_DAY = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** A day as readers see it, e.g. 'Dec 2, 2026' (one formatter for the process: building one costs more than using it). */
export function dayInWords(day: string): string {
	return MEDIUM_DAY.format(dayToMs(day) + DAY_MS / 2);
}
