/** The signed-in user as endpoints see it: identity always comes from the session, never from input. */
import type { Role } from '../../domain/roles.ts';
import type { Tier } from '../../domain/tiers.ts';

export interface CurrentUser {
	id: string;
	email: string;
	displayName: string;
	timezone: string;
	role: Role;
	tier: Tier;
}
