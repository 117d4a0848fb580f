import { describe, expect, it } from 'vitest';
import { decideJoin, effectiveTier, joinRefusalSentence, seatsLeft, teamIsActive } from '../../../src/domain/teams.ts';
import { TIERS } from '../../../src/domain/tiers.ts';

describe('effectiveTier', () => {
	it('is the own tier outside a team', () => {
		for (const own of TIERS) expect(effectiveTier(own, null)).toBe(own);
	});

	it('is the higher of the own tier and the team tier', () => {
		expect(effectiveTier('free', 'team')).toBe('team');
		expect(effectiveTier('premium', 'team')).toBe('team');
		expect(effectiveTier('team', 'team')).toBe('team');
		// A team never lowers anyone: a (hypothetical) team giving less leaves the own tier.
		expect(effectiveTier('pro', 'premium')).toBe('pro');
	});
});

describe('teamIsActive', () => {
	it('follows the owner’s own tier: a lapsed owner’s team gives nothing', () => {
		expect(teamIsActive({ tier: 'team', role: 'student' })).toBe(true);
		expect(teamIsActive({ tier: 'pro', role: 'student' })).toBe(false);
		expect(teamIsActive({ tier: 'free', role: 'student' })).toBe(false);
	});

	it('an administrator’s team is active whatever their tier', () => {
		expect(teamIsActive({ tier: 'free', role: 'admin' })).toBe(true);
	});
});

describe('seats', () => {
	it('counts the free seats and never goes below zero', () => {
		expect(seatsLeft(3, 0)).toBe(3);
		expect(seatsLeft(3, 2)).toBe(1);
		expect(seatsLeft(3, 3)).toBe(0);
		expect(seatsLeft(3, 5)).toBe(0);
	});
});

describe('decideJoin', () => {
	const base = { teamId: 't1', currentTeamId: null, ownsTeam: false, seats: 3, used: 1, active: true };

	it('lets a learner in no team join a team with a free seat', () => {
		expect(decideJoin(base)).toEqual({ ok: true });
		expect(decideJoin({ ...base, used: 2 })).toEqual({ ok: true });
	});

	it('refuses the seat after the last', () => {
		expect(decideJoin({ ...base, used: 3 })).toEqual({ ok: false, reason: 'team_full' });
		expect(decideJoin({ ...base, used: 4 })).toEqual({ ok: false, reason: 'team_full' });
	});

	it('refuses members of this or another team, owners, and teams whose plan ended, in that order', () => {
		expect(decideJoin({ ...base, currentTeamId: 't1', used: 3 })).toEqual({ ok: false, reason: 'already_member' });
		expect(decideJoin({ ...base, currentTeamId: 't2', ownsTeam: true })).toEqual({ ok: false, reason: 'owns_a_team' });
		expect(decideJoin({ ...base, currentTeamId: 't2' })).toEqual({ ok: false, reason: 'in_another_team' });
		expect(decideJoin({ ...base, active: false, used: 3 })).toEqual({ ok: false, reason: 'team_inactive' });
	});

	it('says each refusal as a sentence with the team’s name, never a code', () => {
		const team = { name: 'Night owls', seats: 1 };
		expect(joinRefusalSentence('team_full', team)).toBe("Night owls is full: its one seat is taken. Ask the team's owner to free a seat.");
		expect(joinRefusalSentence('team_full', { name: 'Night owls', seats: 3 })).toBe(
			"Night owls is full: all its 3 seats are taken. Ask the team's owner to free a seat.",
		);
		for (const reason of ['already_member', 'in_another_team', 'owns_a_team', 'team_full', 'team_inactive'] as const) {
			const text = joinRefusalSentence(reason, { name: 'Night owls', seats: 3 });
			expect(text).toMatch(/^[A-Z].*\.$/);
			expect(text).not.toContain('_');
		}
	});
});
