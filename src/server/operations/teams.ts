/**
 * Teams (decision 0021): an account on the team tier (or an administrator) creates one team and invites
 * members by single-use links, by email or copied, up to the course's seats (owner included). Members hold
 * the team tier while they are members (auth/current-user.ts derives it). The owner sees only their own
 * team's members, through the same listing as the instructor's (learnersPage with a team filter).
 * The page /team renders these operations; /join uses joinTeam.
 */
import { z } from 'astro/zod';
import type { PrivateManifest } from '../../content/artifact.ts';
import { joinRefusalSentence, seatsLeft, seatsText, TEAM_TIER, teamIsActive } from '../../domain/teams.ts';
import { tierAtLeast } from '../../domain/tiers.ts';
import { sendTeamInviteEmail, teamInviteLink } from '../account-email.ts';
import { ApiError } from '../api/errors.ts';
import { defineOperation } from '../api/operation.ts';
import { INVITE_LIFETIME_MS } from '../auth/email-tokens.ts';
import type { CurrentUser } from '../auth/current-user.ts';
import {
	checkTeamInvite,
	deleteTeamMember,
	type InviteProblem,
	insertTeam,
	insertTeamInvite,
	joinTeamWithInvite,
	pendingInvites,
	type TeamRow,
	teamOfMember,
} from '../repositories/teams.ts';
import { findUserById } from '../repositories/users.ts';
import { getServices } from '../services.ts';
import { emailSchema } from './auth.ts';
import { learnerSchema, learnersPage, listQuery } from './instructor.ts';
import { hasNoNul, isoDateTime, NO_NUL, upgradeOffer } from './shared.ts';

export const teamSchema = z
	.object({
		id: z.string(),
		name: z.string(),
		owner: z.object({ name: z.string(), email: z.string() }),
		yourRole: z.enum(['owner', 'member']).describe("The caller's place in the team."),
		seats: z.number().int().describe("Accounts the team holds, the owner's included (the course's setting)."),
		seatsUsed: z.number().int(),
		seatsLeft: z.number().int(),
		active: z.boolean().describe("Whether members have the team tier now: false once the owner's own plan has ended."),
	})
	.meta({ id: 'Team' });
export type TeamView = z.infer<typeof teamSchema>;

/** The course's seats per team; null when the course offers no team tier. */
export function teamSeats(manifest: PrivateManifest): number | null {
	return manifest.course.tiers.find((t) => t.id === TEAM_TIER)?.seats ?? null;
}

function teamView(team: TeamRow, seats: number, viewer: CurrentUser): TeamView {
	return {
		id: team.id,
		name: team.name,
		owner: { name: team.owner_name, email: team.owner_email },
		yourRole: team.owner_id === viewer.id ? 'owner' : 'member',
		seats,
		seatsUsed: team.members,
		seatsLeft: seatsLeft(seats, team.members),
		active: teamIsActive({ tier: team.owner_tier, role: team.owner_role }),
	};
}

async function requireSeats(manifest: PrivateManifest): Promise<number> {
	const seats = teamSeats(manifest);
	if (seats === null) throw new ApiError(409, 'teams_unavailable', 'This course does not offer teams.');
	return seats;
}

/** The caller's team and their role in it, or null: the account page and the team page read this. */
export async function teamOf(user: CurrentUser): Promise<TeamView | null> {
	const { db, content } = await getServices();
	const seats = teamSeats(await content.manifest());
	const team = await teamOfMember(db, user.id);
	return team && seats !== null ? teamView(team, seats, user) : null;
}

/** The caller's own team, or a 404/403 that says why not. */
async function ownedTeam(user: CurrentUser, forWhat: string): Promise<{ team: TeamRow; seats: number }> {
	const { db, content } = await getServices();
	const seats = await requireSeats(await content.manifest());
	const team = await teamOfMember(db, user.id);
	if (!team) throw new ApiError(404, 'no_team', 'You do not have a team: create one on your team page first.');
	if (team.owner_id !== user.id) throw new ApiError(403, 'forbidden', `Only the team's owner can ${forWhat}.`);
	return { team, seats };
}

const teamName = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').refine(hasNoNul, NO_NUL);

export const createTeam = defineOperation({
	operationId: 'createTeam',
	method: 'POST',
	path: '/api/v1/me/team',
	summary: 'Create your team (Team tier or administrators)',
	description:
		"Makes the caller the owner of a new team with the course's number of seats, the owner's included. Needs the Team tier on the caller's own account; one team per owner, and an owner is in no other team.",
	tags: ['Teams'],
	auth: 'learner',
	oauth: false,
	body: z.object({ name: teamName.describe('The team’s name, shown to invited members, e.g. "Night owls".') }),
	response: z.object({ team: teamSchema, message: z.string() }),
	status: 201,
	errors: [400, 401, 403, 409],
	async handler({ body, user, now }) {
		const { db, content } = await getServices();
		const manifest = await content.manifest();
		const seats = await requireSeats(manifest);
		const tier = manifest.course.tiers.find((t) => t.id === TEAM_TIER);
		if (user.role !== 'admin' && !tierAtLeast(user.ownTier, TEAM_TIER)) {
			throw new ApiError(403, 'upgrade_required', `Creating a team needs the ${tier?.name ?? TEAM_TIER} plan on your own account.`, {
				requiredTier: TEAM_TIER,
				yourTier: user.ownTier,
				upgrade: tier ? upgradeOffer(tier) : null,
			});
		}
		const existing = await teamOfMember(db, user.id);
		if (existing) {
			throw new ApiError(
				409,
				'already_in_team',
				existing.owner_id === user.id
					? `You already have a team: ${existing.name}.`
					: `You are a member of ${existing.name}: leave it on your team page before creating your own.`,
			);
		}
		try {
			await insertTeam(db, { ownerId: user.id, name: body.name, now });
		} catch (error) {
			// Two requests at once: the second one's insert meets the unique owner or member key.
			if (await teamOfMember(db, user.id)) throw new ApiError(409, 'already_in_team', 'You already have a team.');
			throw error;
		}
		const team = (await teamOfMember(db, user.id)) as TeamRow;
		return {
			team: teamView(team, seats, user),
			message: `Your team ${team.name} is ready: ${seatsText(seats - 1)} left for the members you invite.`,
		};
	},
});

export const createTeamInvite = defineOperation({
	operationId: 'createTeamInvite',
	method: 'POST',
	path: '/api/v1/me/team/invites',
	summary: 'Invite someone to your team by link or email (team owners)',
	description:
		'Makes a single-use invitation link, valid seven days; with an email it is also sent there. Refused when every seat is taken. Whoever opens the link signs in or registers, then joins.',
	tags: ['Teams'],
	auth: 'learner',
	oauth: false,
	body: z
		.object({ email: emailSchema.optional().describe('Send the link to this address; leave out to copy the link yourself.') })
		.default({}),
	response: z.object({
		url: z.string().describe('The invitation link: it works once, for seven days.'),
		expiresAt: isoDateTime,
		emailedTo: z.string().nullable(),
		message: z.string(),
	}),
	status: 201,
	errors: [400, 401, 403, 404, 409],
	async handler({ body, user, now }) {
		const services = await getServices();
		const { team, seats } = await ownedTeam(user, 'invite members');
		if (!teamIsActive({ tier: team.owner_tier, role: team.owner_role })) {
			throw new ApiError(409, 'team_inactive', 'Your Team plan has ended: renew it to invite members again.');
		}
		if (seatsLeft(seats, team.members) === 0) {
			throw new ApiError(409, 'team_full', `All ${seatsText(seats)} of ${team.name} are taken: remove a member to invite someone else.`);
		}
		const email = body.email?.toLowerCase() ?? null;
		const { token, expiresAt } = await insertTeamInvite(services.db, { teamId: team.id, email, now, lifetimeMs: INVITE_LIFETIME_MS });
		const manifest = await services.content.manifest();
		const tierName = manifest.course.tiers.find((t) => t.id === TEAM_TIER)?.name ?? TEAM_TIER;
		if (email) sendTeamInviteEmail(services, { to: email, teamName: team.name, ownerName: user.displayName, tierName, token });
		const mailNote = services.mailer.configured ? '' : ' Email is not set up on this server, so send the link yourself.';
		return {
			url: teamInviteLink(services, token),
			expiresAt: expiresAt.toISOString(),
			emailedTo: email,
			message: email
				? `An invitation to ${team.name} is on its way to ${email}; it works once, for seven days.${mailNote}`
				: `Here is an invitation link to ${team.name}: send it to one person. It works once, for seven days.`,
		};
	},
});

export const INVITE_PROBLEMS: Record<InviteProblem, string> = {
	invalid: 'This invitation link is not valid. Ask the team’s owner for a new one.',
	expired: 'This invitation has expired: an invitation works for seven days. Ask the team’s owner for a new one.',
	used: 'This invitation has already been used: each one works once. Ask the team’s owner for a new one.',
};

/** What the join page says about an invitation before anyone joins: the team, or why the link does not work. */
export async function describeInvite(
	token: string,
	now: Date,
): Promise<{ ok: true; teamName: string; ownerName: string; seatsLeft: number } | { ok: false; sentence: string }> {
	const { db, content } = await getServices();
	const seats = teamSeats(await content.manifest());
	if (seats === null) return { ok: false, sentence: 'This course does not offer teams.' };
	const check = await checkTeamInvite(db, token, now);
	if (!check.ok) return { ok: false, sentence: INVITE_PROBLEMS[check.problem] };
	return { ok: true, teamName: check.team.name, ownerName: check.team.owner_name, seatsLeft: seatsLeft(seats, check.team.members) };
}

export const joinTeam = defineOperation({
	operationId: 'joinTeam',
	method: 'POST',
	path: '/api/v1/me/team/join',
	summary: 'Join a team with an invitation link',
	description:
		"Uses an invitation's token (the `token` in its link) to join the team, taking one of its seats. Refused, with a sentence saying why, when the team is full, its plan has ended, or the caller is in another team.",
	tags: ['Teams'],
	auth: 'learner',
	oauth: false,
	body: z.object({ token: z.string().max(100).describe('The `token` of the invitation link.') }),
	response: z.object({ team: teamSchema, message: z.string() }),
	errors: [400, 401, 403, 409],
	async handler({ body, user, now }) {
		const { db, content } = await getServices();
		const seats = await requireSeats(await content.manifest());
		const result = await joinTeamWithInvite(db, { token: body.token, userId: user.id, seats, now });
		if (result.ok) {
			return {
				team: teamView(result.team, seats, user),
				message: `Welcome to ${result.team.name}: you have its plan while you are a member.`,
			};
		}
		if ('problem' in result) throw new ApiError(400, `invite_${result.problem}`, INVITE_PROBLEMS[result.problem]);
		// Joining twice (a second click) changes nothing and says so.
		if (result.reason === 'already_member') {
			return { team: teamView(result.team, seats, user), message: joinRefusalSentence(result.reason, { name: result.team.name, seats }) };
		}
		throw new ApiError(409, result.reason, joinRefusalSentence(result.reason, { name: result.team.name, seats }));
	},
});

const progressResponse = z.object({
	team: teamSchema,
	members: z.array(learnerSchema),
	total: z.number().int().describe('Members matching the filters, over all pages.'),
	limit: z.number().int(),
	offset: z.number().int(),
	nextOffset: z.number().int().nullable().describe('The offset of the next page; null on the last page.'),
	activeSince: z.string().describe('The first day that counts as recent activity (YYYY-MM-DD).'),
	pendingInvites: z
		.array(z.object({ email: z.string().nullable(), expiresAt: isoDateTime }))
		.describe('Invitations not used yet (newest first, at most 50); email null for a copied link.'),
});
export type TeamProgress = z.infer<typeof progressResponse>;

export const getTeamProgress = defineOperation({
	operationId: 'getTeamProgress',
	method: 'GET',
	path: '/api/v1/me/team/progress',
	summary: "How is my team doing? Each member's progress, last active day, streak and best scores (team owners)",
	description:
		"The owner's own team only: every member (the owner included) with % complete, last active day, current streak and best quiz scores; sortable, filterable by tier and recent activity, paged with limit/offset; plus seats used and open invitations.",
	tags: ['Teams'],
	auth: 'learner',
	query: listQuery,
	response: progressResponse,
	errors: [400, 401, 403, 404],
	async handler({ query, user, now }) {
		const { db } = await getServices();
		const { team, seats } = await ownedTeam(user, "see its members' progress");
		const page = await learnersPage(query, query.limit, query.offset, now, { teamId: team.id });
		const invites = await pendingInvites(db, team.id, now);
		return {
			team: teamView(team, seats, user),
			members: page.learners,
			total: page.total,
			limit: page.limit,
			offset: page.offset,
			nextOffset: page.nextOffset,
			activeSince: page.activeSince,
			pendingInvites: invites.map((i) => ({ email: i.email, expiresAt: i.expires_at.toISOString() })),
		};
	},
});

export const removeTeamMember = defineOperation({
	operationId: 'removeTeamMember',
	method: 'DELETE',
	path: '/api/v1/me/team/members/{memberId}',
	summary: 'Remove a member from your team, or leave your team',
	description:
		"The owner removes a member of their own team (the member's team access ends at once and the seat is free); a member passes their own id to leave. Anyone else's id is not found.",
	tags: ['Teams'],
	auth: 'learner',
	oauth: false,
	params: z.object({ memberId: z.string().min(1).max(100).describe("The member's id (see getTeamProgress).") }),
	response: z.object({
		team: teamSchema.nullable().describe('The team after the change; null when the caller left it.'),
		message: z.string(),
	}),
	errors: [401, 403, 404, 409],
	async handler({ params, user }) {
		const { db, content } = await getServices();
		const seats = await requireSeats(await content.manifest());
		const team = await teamOfMember(db, user.id);
		const notMember = new ApiError(404, 'not_found', 'That person is not a member of your team.');
		if (!team) throw notMember;
		const isOwner = team.owner_id === user.id;
		if (params.memberId === user.id && isOwner) {
			throw new ApiError(409, 'owner_cannot_leave', 'You own this team, so you cannot leave it or remove yourself.');
		}
		if (!isOwner && params.memberId !== user.id) throw notMember;
		const member = await findUserById(db, params.memberId);
		if (!member || !(await deleteTeamMember(db, team.id, member.id))) throw notMember;
		if (!isOwner) return { team: null, message: `You have left ${team.name}; you keep your own plan.` };
		return {
			team: teamView({ ...team, members: team.members - 1 }, seats, user),
			message: `${member.display_name} is no longer in ${team.name}: their team access has ended and their seat is free.`,
		};
	},
});
