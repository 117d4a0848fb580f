import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../src/domain/dates.ts';
import { changeTimeZone, pendingTimeZone, type TimeZoneSetting, timeZoneInForce } from '../../../src/domain/time-zone-change.ts';

const settledIn = (timezone: string): TimeZoneSetting => ({ timezone, previous: null, switchAt: null });
const withHistory = { hasHistory: true };

describe('time zone changes', () => {
	// 23:30 in UTC on 1 December: already 2 December in Kiritimati (UTC+14).
	const lateEvening = new Date('2026-12-01T23:30:00Z');

	it('keeps the zone in force until its next midnight, then hands over', () => {
		const changed = changeTimeZone(settledIn('UTC'), 'Pacific/Kiritimati', lateEvening, withHistory);
		expect(changed).toEqual({ timezone: 'Pacific/Kiritimati', previous: 'UTC', switchAt: new Date('2026-12-02T00:00:00Z') });
		expect(timeZoneInForce(changed, lateEvening)).toBe('UTC');
		expect(pendingTimeZone(changed, lateEvening)).toEqual({ timezone: 'Pacific/Kiritimati', from: new Date('2026-12-02T00:00:00Z') });
		const justBefore = new Date('2026-12-01T23:59:59.999Z');
		expect(timeZoneInForce(changed, justBefore)).toBe('UTC');
		const atMidnight = new Date('2026-12-02T00:00:00Z');
		expect(timeZoneInForce(changed, atMidnight)).toBe('Pacific/Kiritimati');
		expect(pendingTimeZone(changed, atMidnight)).toBeNull();
	});

	/** A learner switching zone every 7 hours for two months; the day counted, looked at every 20 minutes. */
	function countedDays(zones: string[]): string[] {
		let setting = settledIn('UTC');
		const start = new Date('2026-03-01T00:00:00Z').getTime();
		const days: string[] = [];
		for (let step = 0; step < 200 * 21; step++) {
			const now = new Date(start + step * 20 * 60_000 + 1);
			days.push(localDate(now, timeZoneInForce(setting, now)));
			if (step % 21 === 0) setting = changeTimeZone(setting, zones[(step / 21) % zones.length] as string, now, withHistory);
		}
		return days;
	}
	const elapsedDays = Math.ceil((200 * 7) / 24);

	it('never lets the counted day run back or skip one, between zones less than 24 hours apart', () => {
		const days = countedDays([
			'UTC',
			'Pacific/Kiritimati',
			'America/Anchorage',
			'Asia/Tokyo',
			'America/Santiago',
			'Europe/Paris',
			'Asia/Kolkata',
		]);
		for (let i = 1; i < days.length; i++) {
			const [before, day] = [days[i - 1] as string, days[i] as string];
			expect(day >= before && day <= addDays(before, 1), `${before} → ${day}`).toBe(true);
		}
		expect(new Set(days).size).toBeLessThanOrEqual(elapsedDays + 1);
	});

	it('never adds a day even between zones 24 hours or more apart (there a day can be skipped, never gained)', () => {
		const days = countedDays(['Pacific/Honolulu', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Pacific/Tongatapu']);
		for (let i = 1; i < days.length; i++) expect((days[i] as string) >= (days[i - 1] as string)).toBe(true);
		expect(new Set(days).size).toBeLessThanOrEqual(elapsedDays + 1);
	});

	it('changes at once for a learner with no history, or back to the zone in force', () => {
		expect(changeTimeZone(settledIn('UTC'), 'Asia/Tokyo', lateEvening, { hasHistory: false })).toEqual(settledIn('Asia/Tokyo'));
		const pending = changeTimeZone(settledIn('UTC'), 'Asia/Tokyo', lateEvening, withHistory);
		expect(changeTimeZone(pending, 'UTC', lateEvening, withHistory)).toEqual(settledIn('UTC'));
	});

	it('choosing the waiting zone again keeps its hand-over time; another zone waits for the same midnight', () => {
		const pending = changeTimeZone(settledIn('UTC'), 'Asia/Tokyo', lateEvening, withHistory);
		const later = new Date('2026-12-01T23:45:00Z');
		expect(changeTimeZone(pending, 'Asia/Tokyo', later, withHistory)).toBe(pending);
		expect(changeTimeZone(pending, 'Europe/Paris', later, withHistory)).toEqual({
			timezone: 'Europe/Paris',
			previous: 'UTC',
			switchAt: new Date('2026-12-02T00:00:00Z'),
		});
		expect(changeTimeZone(settledIn('UTC'), 'UTC', later, withHistory)).toEqual(settledIn('UTC'));
	});
});
