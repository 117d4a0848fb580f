/** The signed-in user as endpoints see it: identity always comes from the session, never from input. */
import type { Role } from '../../domain/roles.ts';
import { pendingTimeZone, type TimeZoneSetting, timeZoneInForce } from '../../domain/time-zone-change.ts';
import type { Tier } from '../../domain/tiers.ts';
import type { PublicUser } from '../db/schema.ts';

export interface CurrentUser {
	id: string;
	email: string;
	displayName: string;
	/** The zone whose calendar counts now: every daily limit and streak day uses this one. */
	timezone: string;
	/** A chosen zone that takes over at its `from` instant (the next midnight of `timezone`). */
	pendingTimezone?: { timezone: string; from: Date } | null;
	role: Role;
	tier: Tier;
}

type UserRow = Pick<PublicUser, 'id' | 'email' | 'display_name' | 'timezone' | 'role' | 'tier'> &
	Partial<Pick<PublicUser, 'timezone_previous' | 'timezone_switch_at'>>;

export function timeZoneSettingOf(row: UserRow): TimeZoneSetting {
	return { timezone: row.timezone, previous: row.timezone_previous ?? null, switchAt: row.timezone_switch_at ?? null };
}

/** The same setting seen from a CurrentUser (its in-force zone and what waits). */
export function timeZoneSettingOfCurrent(user: CurrentUser): TimeZoneSetting {
	const pending = user.pendingTimezone;
	return pending
		? { timezone: pending.timezone, previous: user.timezone, switchAt: pending.from }
		: { timezone: user.timezone, previous: null, switchAt: null };
}

export function currentUserFrom(row: UserRow, now: Date): CurrentUser {
	const zone = timeZoneSettingOf(row);
	return {
		id: row.id,
		email: row.email,
		displayName: row.display_name,
		timezone: timeZoneInForce(zone, now),
		pendingTimezone: pendingTimeZone(zone, now),
		role: row.role,
		tier: row.tier,
	};
}
