/** The signed-in user's time zone: the zone in force and the one waiting both come from the one stored setting. */
import { describe, expect, it } from 'vitest';
import { pendingTimeZone } from '../../../src/domain/time-zone-change.ts';
import { currentUserFrom } from '../../../src/server/auth/current-user.ts';
import { userView } from '../../../src/server/operations/shared.ts';

const switchAt = new Date('2026-12-02T08:00:00.000Z');
const row = {
	id: 'u1',
	email: 'u1@example.test',
	display_name: 'U',
	role: 'student' as const,
	tier: 'free' as const,
	timezone: 'Asia/Tokyo',
	timezone_previous: 'America/Los_Angeles',
	timezone_switch_at: switchAt,
};

describe('currentUserFrom and userView', () => {
	it('before the switch: the previous zone is in force and the chosen one waits, in the view too', () => {
		const now = new Date('2026-12-02T07:59:59.000Z');
		const user = currentUserFrom(row, now);
		expect(user.timezone).toBe('America/Los_Angeles');
		expect(pendingTimeZone(user.zone, now)).toEqual({ timezone: 'Asia/Tokyo', from: switchAt });
		expect(userView(user, now)).toMatchObject({
			timezone: 'America/Los_Angeles',
			pendingTimezone: { timezone: 'Asia/Tokyo', from: switchAt.toISOString() },
		});
	});

	it('from the switch on: the chosen zone is in force and nothing waits', () => {
		const user = currentUserFrom(row, switchAt);
		expect(user.timezone).toBe('Asia/Tokyo');
		expect(userView(user, switchAt)).toMatchObject({ timezone: 'Asia/Tokyo', pendingTimezone: null });
		expect(userView(row, switchAt)).toEqual(userView(user, switchAt));
	});
});
