/** The signed-in user as endpoints see it: identity always comes from the session, never from input. */
import type { Role } from '../../domain/roles.ts';
import { type TimeZoneSetting, timeZoneInForce } from '../../domain/time-zone-change.ts';
import { effectiveTier, tierFromTeam } from '../../domain/teams.ts';
import type { Tier } from '../../domain/tiers.ts';
import type { PublicUser } from '../db/schema.ts';

export interface CurrentUser {
	id: string;
	email: string;
	displayName: string;
	/**
	 * The zone whose calendar counts now (`timeZoneInForce` of `zone` when the request began): every daily
	 * limit and streak day uses this one. Derived in currentUserFrom only.
	 */
	timezone: string;
	/** The account's stored zone setting; what waits to take over is `pendingTimeZone(zone, now)`. */
	zone: TimeZoneSetting;
	role: Role;
	/**
	 * The tier in force, which every access check reads: the higher of the account's own tier and the tier
	 * its team gives (decision 0021). Derived in currentUserFrom only.
	 */
	tier: Tier;
	/** The account's own tier (what billing and administrators set), without the team's. */
	ownTier: Tier;
}

/** The account's team owner, read with the account (null or absent: in no team). */
export interface TeamOwnerFields {
	team_owner_tier?: Tier | null;
	team_owner_role?: Role | null;
}

type UserRow = Pick<PublicUser, 'id' | 'email' | 'display_name' | 'timezone' | 'role' | 'tier'> &
	Partial<Pick<PublicUser, 'timezone_previous' | 'timezone_switch_at'>> &
	TeamOwnerFields;

/** The one derivation of the tier in force from an account row and its team owner's tier and role. */
export function tierInForce(row: Pick<UserRow, 'tier' | 'team_owner_tier' | 'team_owner_role'>): Tier {
	const owner = row.team_owner_tier && row.team_owner_role ? { tier: row.team_owner_tier, role: row.team_owner_role } : null;
	return effectiveTier(row.tier, tierFromTeam(owner));
}

export function timeZoneSettingOf(row: UserRow): TimeZoneSetting {
	return { timezone: row.timezone, previous: row.timezone_previous ?? null, switchAt: row.timezone_switch_at ?? null };
}

export function currentUserFrom(row: UserRow, now: Date): CurrentUser {
	const zone = timeZoneSettingOf(row);
	return {
		id: row.id,
		email: row.email,
		displayName: row.display_name,
		timezone: timeZoneInForce(zone, now),
		zone,
		role: row.role,
		tier: tierInForce(row),
		ownTier: row.tier,
	};
}
