/**
 * Teams (decision 0021): the rules, without I/O. An owner's team holds `seats` accounts, the owner's own
 * seat included; its members hold the team tier while they are members and while the owner's plan lasts.
 */
import { type Tier, tierAtLeast } from './tiers.ts';

/** The tier a team gives its members, and the tier an owner needs to have a team. */
export const TEAM_TIER: Tier = 'team';

/**
 * The tier in force for an account: the higher of its own tier and the tier its team gives (null: in no
 * team, or the team's owner no longer holds the team tier). Every access check reads this one value.
 */
export function effectiveTier(own: Tier, fromTeam: Tier | null): Tier {
	return fromTeam !== null && !tierAtLeast(own, fromTeam) ? fromTeam : own;
}

/** Whether a team gives its members the team tier now: its owner holds the team tier, or is an administrator. */
export function teamIsActive(owner: { tier: Tier; role: string }): boolean {
	return owner.role === 'admin' || tierAtLeast(owner.tier, TEAM_TIER);
}

/** The tier a team gives its members now: the team tier while its owner's team is active, else none. `owner` null: in no team. */
export function tierFromTeam(owner: { tier: Tier; role: string } | null): Tier | null {
	return owner !== null && teamIsActive(owner) ? TEAM_TIER : null;
}

/** Free seats; never below zero (a course may lower `seats` under a team that already has more members). */
export function seatsLeft(seats: number, used: number): number {
	return Math.max(0, seats - used);
}

export type JoinRefusal = 'already_member' | 'in_another_team' | 'owns_a_team' | 'team_full' | 'team_inactive';
export type JoinDecision = { ok: true } | { ok: false; reason: JoinRefusal };

/**
 * May this account join the team? `currentTeamId` is the team the account is a member of (its own team
 * for an owner), `ownsTeam` whether it owns one. Checked in the order a learner can act on.
 */
export function decideJoin(input: {
	teamId: string;
	currentTeamId: string | null;
	ownsTeam: boolean;
	seats: number;
	used: number;
	active: boolean;
}): JoinDecision {
	if (input.currentTeamId === input.teamId) return { ok: false, reason: 'already_member' };
	if (input.ownsTeam) return { ok: false, reason: 'owns_a_team' };
	if (input.currentTeamId !== null) return { ok: false, reason: 'in_another_team' };
	if (!input.active) return { ok: false, reason: 'team_inactive' };
	if (seatsLeft(input.seats, input.used) === 0) return { ok: false, reason: 'team_full' };
	return { ok: true };
}

/** "1 seat", "3 seats". */
export function seatsText(n: number): string {
	return `${n} seat${n === 1 ? '' : 's'}`;
}

/** What a learner reads when a join is refused. */
export function joinRefusalSentence(reason: JoinRefusal, team: { name: string; seats: number }): string {
	switch (reason) {
		case 'already_member':
			return `You are already a member of ${team.name}.`;
		case 'owns_a_team':
			return 'You own a team, so you cannot join another one.';
		case 'in_another_team':
			return 'You are already in another team: leave it on your team page first, then open this invitation again.';
		case 'team_inactive':
			return `${team.name} cannot take members at the moment: its owner's Team plan has ended. Ask the owner to renew it.`;
		case 'team_full':
			return `${team.name} is full: ${team.seats === 1 ? 'its one seat is' : `all its ${seatsText(team.seats)} are`} taken. Ask the team's owner to free a seat.`;
	}
}
