import { describe, expect, it } from 'vitest';
import {
	addDays,
	dayInWords,
	daysFrom,
	assertDay,
	diffDays,
	isValidDay,
	isValidTimeZone,
	localDate,
	monthOf,
	startOfNextLocalDay,
	timeUntil,
} from '../../../src/domain/dates.ts';

const at = (iso: string): Date => new Date(iso);

describe('isValidTimeZone', () => {
	it('accepts IANA zones and UTC', () => {
		for (const tz of ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Etc/GMT+5']) {
			expect(isValidTimeZone(tz), tz).toBe(true);
		}
	});

	it('rejects empty, unknown, padded and non-string values', () => {
		for (const tz of ['', 'Mars/Olympus', 'Etc/Unknown', ' UTC', 'Europe/Nowhere', null, undefined, 42, {}]) {
			expect(isValidTimeZone(tz), JSON.stringify(tz)).toBe(false);
		}
	});
});

describe('isValidDay / assertDay', () => {
	it('accepts real dates, including leap days', () => {
		for (const d of ['2026-01-01', '2026-12-31', '2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31']) {
			expect(isValidDay(d), d).toBe(true);
		}
	});

	it('rejects impossible or badly formatted dates', () => {
		for (const d of [
			'2026-02-29',
			'1900-02-29',
			'2026-13-01',
			'2026-00-10',
			'2026-04-31',
			'2026-1-1',
			'26-01-01',
			'2026-01-01T00:00',
			' 2026-01-01',
			'',
			20260101,
		]) {
			expect(isValidDay(d), String(d)).toBe(false);
		}
		expect(() => assertDay('2026-02-30')).toThrow(RangeError);
		expect(assertDay('2026-02-28')).toBe('2026-02-28');
	});
});

describe('localDate', () => {
	it('formats the calendar date in the given zone', () => {
		const instant = at('2026-05-01T23:30:00Z');
		expect(localDate(instant, 'UTC')).toBe('2026-05-01');
		expect(localDate(instant, 'Europe/Paris')).toBe('2026-05-02'); // 01:30 CEST
		expect(localDate(instant, 'America/New_York')).toBe('2026-05-01'); // 19:30 EDT
		expect(localDate(instant, 'Asia/Kolkata')).toBe('2026-05-02'); // 05:00 IST
		expect(localDate(at('2026-05-01T11:00:00Z'), 'Pacific/Chatham')).toBe('2026-05-01'); // 23:45 +12:45
		expect(localDate(at('2026-05-01T11:15:00Z'), 'Pacific/Chatham')).toBe('2026-05-02'); // 00:00 +12:45
	});

	it('flips exactly at local midnight on half-hour offsets', () => {
		expect(localDate(at('2026-05-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-05-01');
		expect(localDate(at('2026-05-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-05-02');
	});

	it('pads years below 1000 and handles dates far from now', () => {
		expect(localDate(at('0050-06-15T12:00:00Z'), 'UTC')).toBe('0050-06-15');
		expect(localDate(at('9999-12-31T12:00:00Z'), 'UTC')).toBe('9999-12-31');
	});

	it('throws on an unknown zone or an invalid Date', () => {
		expect(() => localDate(at('2026-05-01T00:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
		expect(() => localDate(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
	});
});

describe('addDays / diffDays / monthOf', () => {
	it('adds across month, year and leap boundaries', () => {
		expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
		expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
		expect(addDays('2028-02-29', 1)).toBe('2028-03-01');
		expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
		expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
		expect(addDays('2026-05-10', 0)).toBe('2026-05-10');
		expect(addDays('2026-01-01', 365)).toBe('2027-01-01');
		expect(addDays('0001-01-01', -1)).toBe('0000-12-31');
	});

	it('is unaffected by DST dates (pure calendar arithmetic)', () => {
		expect(addDays('2026-03-07', 1)).toBe('2026-03-08');
		expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
		expect(diffDays('2026-03-07', '2026-03-09')).toBe(2);
		expect(diffDays('2026-10-31', '2026-11-02')).toBe(2);
	});

	it('diffDays returns b - a in whole days', () => {
		expect(diffDays('2026-03-01', '2026-03-03')).toBe(2);
		expect(diffDays('2026-03-03', '2026-03-01')).toBe(-2);
		expect(diffDays('2026-05-01', '2026-05-01')).toBe(0);
		expect(diffDays('2028-02-28', '2028-03-01')).toBe(2);
		expect(diffDays('2026-02-28', '2026-03-01')).toBe(1);
		expect(diffDays('2026-01-01', '2027-01-01')).toBe(365);
		expect(diffDays('2028-01-01', '2029-01-01')).toBe(366);
	});

	it('addDays and diffDays are inverse', () => {
		for (const n of [-400, -31, -1, 0, 1, 29, 60, 1000]) {
			expect(diffDays('2027-12-15', addDays('2027-12-15', n))).toBe(n);
		}
	});

	it('validates inputs', () => {
		expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
		expect(() => addDays('2026-02-01', 1.5)).toThrow(RangeError);
		expect(() => diffDays('2026-02-01', 'tomorrow')).toThrow(RangeError);
		expect(() => monthOf('2026-2-1')).toThrow(RangeError);
	});

	it('monthOf gives YYYY-MM', () => {
		expect(monthOf('2026-03-31')).toBe('2026-03');
		expect(monthOf('2028-02-29')).toBe('2028-02');
	});
});

describe('startOfNextLocalDay', () => {
	const cases: [string, string, string][] = [
		// [instant, zone, expected start of the next local day]
		['2026-05-01T12:00:00Z', 'UTC', '2026-05-02T00:00:00.000Z'],
		['2026-05-01T23:59:59.999Z', 'UTC', '2026-05-02T00:00:00.000Z'],
		['2026-05-02T00:00:00Z', 'UTC', '2026-05-03T00:00:00.000Z'],
		// New York spring forward, 2026-03-08 02:00 EST -> 03:00 EDT: the 8th is 23 hours long.
		['2026-03-07T12:00:00Z', 'America/New_York', '2026-03-08T05:00:00.000Z'],
		['2026-03-08T05:00:00Z', 'America/New_York', '2026-03-09T04:00:00.000Z'],
		['2026-03-08T06:59:59Z', 'America/New_York', '2026-03-09T04:00:00.000Z'], // 01:59:59 EST
		['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-09T04:00:00.000Z'], // 03:00 EDT
		// New York fall back, 2026-11-01 02:00 EDT -> 01:00 EST: the 1st is 25 hours long.
		['2026-10-31T12:00:00Z', 'America/New_York', '2026-11-01T04:00:00.000Z'],
		['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-02T05:00:00.000Z'], // first 01:30 (EDT)
		['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-02T05:00:00.000Z'], // second 01:30 (EST)
		// London spring forward, 2026-03-29 01:00 GMT -> 02:00 BST.
		['2026-03-28T23:59:59Z', 'Europe/London', '2026-03-29T00:00:00.000Z'],
		['2026-03-29T00:30:00Z', 'Europe/London', '2026-03-29T23:00:00.000Z'],
		['2026-10-25T12:00:00Z', 'Europe/London', '2026-10-26T00:00:00.000Z'],
		// Fixed odd offsets.
		['2026-05-01T12:00:00Z', 'Asia/Kolkata', '2026-05-01T18:30:00.000Z'],
		['2026-05-01T18:30:00Z', 'Asia/Kolkata', '2026-05-02T18:30:00.000Z'],
		['2026-05-01T12:00:00Z', 'Asia/Kathmandu', '2026-05-01T18:15:00.000Z'],
		['2026-05-01T12:00:00Z', 'Pacific/Chatham', '2026-05-02T11:15:00.000Z'], // +12:45
		['2026-01-15T12:00:00Z', 'Pacific/Chatham', '2026-01-16T10:15:00.000Z'], // +13:45 in summer
		// Chatham leaves DST on 2026-04-05 (03:45 -> 02:45) and starts it on 2026-09-27 (02:45 -> 03:45).
		['2026-04-04T12:00:00Z', 'Pacific/Chatham', '2026-04-05T11:15:00.000Z'],
		['2026-09-26T12:00:00Z', 'Pacific/Chatham', '2026-09-27T10:15:00.000Z'],
		// Midnight itself is skipped: Santiago and Beirut spring forward at 00:00, so the day starts at 01:00.
		['2026-09-05T12:00:00Z', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
		['2026-03-28T12:00:00Z', 'Asia/Beirut', '2026-03-28T22:00:00.000Z'],
		// Santiago falls back at 24:00 -> 23:00, repeating the last hour of Saturday.
		['2026-04-04T12:00:00Z', 'America/Santiago', '2026-04-05T04:00:00.000Z'],
		['2026-04-05T03:30:00Z', 'America/Santiago', '2026-04-05T04:00:00.000Z'], // in the repeated hour
		// Crossing the date line.
		['2026-05-01T12:00:00Z', 'Pacific/Kiritimati', '2026-05-02T10:00:00.000Z'], // +14:00
		['2026-05-01T12:00:00Z', 'Pacific/Pago_Pago', '2026-05-02T11:00:00.000Z'], // -11:00
	];

	it.each(cases)('%s in %s -> %s', (instant, zone, expected) => {
		const result = startOfNextLocalDay(at(instant), zone);
		expect(result.toISOString()).toBe(expected);
		const today = localDate(at(instant), zone);
		expect(localDate(result, zone)).toBe(addDays(today, 1));
		expect(localDate(new Date(result.getTime() - 1), zone)).toBe(today);
	});

	it('holds for every 7 hours of 2026 in zones with unusual rules', () => {
		const zones = [
			'America/New_York',
			'Europe/London',
			'Asia/Kolkata',
			'Pacific/Chatham',
			'America/Santiago',
			'Asia/Beirut',
			'Australia/Lord_Howe', // 30-minute DST shift
			'America/St_Johns', // -03:30 / -02:30
		];
		const start = Date.parse('2026-01-01T00:00:00Z');
		const end = Date.parse('2027-01-01T00:00:00Z');
		for (const zone of zones) {
			for (let t = start; t < end; t += 7 * 3_600_000 + 60_000) {
				const instant = new Date(t);
				const today = localDate(instant, zone);
				const next = startOfNextLocalDay(instant, zone);
				const ok =
					next.getTime() > t && localDate(next, zone) === addDays(today, 1) && localDate(new Date(next.getTime() - 1), zone) === today;
				if (!ok) expect.fail(`${zone} ${instant.toISOString()} -> ${next.toISOString()}`);
			}
		}
	});

	it('returns a new Date and throws on an unknown zone', () => {
		const instant = at('2026-05-01T12:00:00Z');
		expect(startOfNextLocalDay(instant, 'UTC')).not.toBe(instant);
		expect(() => startOfNextLocalDay(instant, 'Mars/Olympus')).toThrow(RangeError);
	});
});

describe('timeUntil', () => {
	const now = new Date('2026-12-01T10:00:00Z');
	const at = (ms: number) => new Date(now.getTime() + ms);
	it('says how long until an instant in hours and minutes, as a learner reads it', () => {
		expect(timeUntil(now, at(30_000))).toBe('in less than a minute');
		expect(timeUntil(now, at(40 * 60_000))).toBe('in 40 min');
		expect(timeUntil(now, at(5 * 3_600_000))).toBe('in 5 h');
		expect(timeUntil(now, at(5 * 3_600_000 + 12 * 60_000 + 59_000))).toBe('in 5 h 12 min');
		expect(timeUntil(now, at(-60_000))).toBe('in less than a minute');
	});
});

describe('the quarter-hour offset cache', () => {
	// Intl's own answer, without the cache: the calendar date at an instant in a zone.
	const intlDate = (ms: number, timeZone: string) =>
		new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

	it('gives the same local dates and day ends as Intl around transitions, odd historical offsets included', () => {
		const cases: [string, string][] = [
			['America/New_York', '2026-03-08T00:00:00Z'],
			['Europe/London', '2026-10-25T00:00:00Z'],
			['Australia/Lord_Howe', '2026-04-04T12:00:00Z'],
			['America/Santiago', '2026-09-05T20:00:00Z'],
			['Africa/Monrovia', '1972-01-06T12:00:00Z'],
			['Asia/Kolkata', '2026-06-01T18:00:00Z'],
		];
		for (const [zone, around] of cases) {
			const centre = Date.parse(around);
			// Every 7 min 13 s over a day either side: many instants per quarter hour, none aligned to it.
			for (let ms = centre - 86_400_000; ms <= centre + 86_400_000; ms += 433_000) {
				expect(localDate(new Date(ms), zone), `${zone} at ${new Date(ms).toISOString()}`).toBe(intlDate(ms, zone));
				const end = startOfNextLocalDay(new Date(ms), zone).getTime();
				expect(intlDate(end, zone) > intlDate(ms, zone) && intlDate(end - 1000, zone) === intlDate(ms, zone)).toBe(true);
			}
		}
	});
});

describe('daysFrom', () => {
	it('is addDays in a loop, across month, year and leap-day boundaries', () => {
		for (const start of ['2024-02-27', '2026-12-30', '2026-03-28', '0099-12-31']) {
			expect(daysFrom(start, 10)).toEqual(Array.from({ length: 10 }, (_, i) => addDays(start, i)));
		}
		expect(daysFrom('2026-01-01', 0)).toEqual([]);
		expect(() => daysFrom('2026-02-30', 3)).toThrow(RangeError);
	});
});

describe('dayInWords', () => {
	it('writes the day as Intl does at noon UTC of that date, whatever the process time zone', () => {
		const intl = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
		for (const day of ['2026-12-02', '2024-02-29', '2027-01-01', '1999-07-15']) {
			expect(dayInWords(day)).toBe(intl.format(new Date(`${day}T12:00:00Z`)));
		}
		expect(dayInWords('2026-12-02')).toBe('Dec 2, 2026');
	});
});
