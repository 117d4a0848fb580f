/**
 * Teams, their members and invitation links (migration 0011, decision 0021). The rules are in
 * src/domain/teams.ts; here only reads and writes. A join runs in one transaction that locks the team's
 * row, so two learners using the last seat at once cannot both get it.
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import { decideJoin, type JoinDecision, teamIsActive } from '../../domain/teams.ts';
import { hashToken, newLinkToken, TOKEN_PATTERN } from '../auth/email-tokens.ts';
import type { Role } from '../../domain/roles.ts';
import type { Database, Tier } from '../db/schema.ts';

export interface TeamRow {
	id: string;
	name: string;
	owner_id: string;
	owner_name: string;
	owner_email: string;
	owner_tier: Tier;
	owner_role: Role;
	created_at: Date;
	members: number;
}

function teamsWithOwner(db: Kysely<Database>) {
	return db
		.selectFrom('teams')
		.innerJoin('users as owner', 'owner.id', 'teams.owner_id')
		.select((eb) => [
			'teams.id',
			'teams.name',
			'teams.owner_id',
			'owner.display_name as owner_name',
			'owner.email as owner_email',
			'owner.tier as owner_tier',
			'owner.role as owner_role',
			'teams.created_at',
			eb
				.selectFrom('team_members')
				.select((m) => m.fn.countAll<number>().as('n'))
				.whereRef('team_members.team_id', '=', 'teams.id')
				.as('members'),
		]);
}

function withCount<T extends { members: number | string | null }>(row: T | undefined): (T & { members: number }) | undefined {
	return row ? { ...row, members: Number(row.members ?? 0) } : undefined;
}

export async function teamById(db: Kysely<Database>, teamId: string): Promise<TeamRow | undefined> {
	return withCount(await teamsWithOwner(db).where('teams.id', '=', teamId).executeTakeFirst());
}

/** The team an account owns, if any. */
export async function teamOwnedBy(db: Kysely<Database>, ownerId: string): Promise<TeamRow | undefined> {
	return withCount(await teamsWithOwner(db).where('teams.owner_id', '=', ownerId).executeTakeFirst());
}

/** The team an account is in (its own for an owner), if any. */
export async function teamOfMember(db: Kysely<Database>, userId: string): Promise<TeamRow | undefined> {
	return withCount(
		await teamsWithOwner(db)
			.where('teams.id', '=', (eb) =>
				eb.selectFrom('team_members').select('team_members.team_id').where('team_members.user_id', '=', userId),
			)
			.executeTakeFirst(),
	);
}

/** Creates the team and the owner's member row (the owner's seat). Throws if the owner already has a team or is in one. */
export async function insertTeam(db: Kysely<Database>, input: { ownerId: string; name: string; now: Date }): Promise<string> {
	const id = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(10)));
	await db.transaction().execute(async (trx) => {
		await trx.insertInto('teams').values({ id, owner_id: input.ownerId, name: input.name, created_at: input.now }).execute();
		await trx.insertInto('team_members').values({ user_id: input.ownerId, team_id: id, joined_at: input.now }).execute();
	});
	return id;
}

/** Stores a new single-use invitation and returns its token: the link carries the only copy. */
export async function insertTeamInvite(
	db: Kysely<Database>,
	input: { teamId: string; email: string | null; now: Date; lifetimeMs: number },
): Promise<{ token: string; expiresAt: Date }> {
	const token = newLinkToken();
	const expiresAt = new Date(input.now.getTime() + input.lifetimeMs);
	await db
		.insertInto('team_invites')
		.values({ token_hash: hashToken(token), team_id: input.teamId, email: input.email, created_at: input.now, expires_at: expiresAt })
		.execute();
	return { token, expiresAt };
}

export type InviteProblem = 'invalid' | 'expired' | 'used';
export type InviteCheck = { ok: true; team: TeamRow } | { ok: false; problem: InviteProblem };

/** Would the invitation work now? Reads only: the join page shows the team's name before the learner joins. */
export async function checkTeamInvite(db: Kysely<Database>, token: string, now: Date): Promise<InviteCheck> {
	if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { ok: false, problem: 'invalid' };
	const invite = await db
		.selectFrom('team_invites')
		.select(['team_id', 'expires_at', 'used_at'])
		.where('token_hash', '=', hashToken(token))
		.executeTakeFirst();
	if (!invite) return { ok: false, problem: 'invalid' };
	if (invite.used_at !== null) return { ok: false, problem: 'used' };
	if (invite.expires_at.getTime() <= now.getTime()) return { ok: false, problem: 'expired' };
	const team = withCount(await teamsWithOwner(db).where('teams.id', '=', invite.team_id).executeTakeFirst());
	return team ? { ok: true, team } : { ok: false, problem: 'invalid' };
}

export type JoinResult =
	| { ok: true; team: TeamRow }
	| { ok: false; problem: InviteProblem }
	| (JoinDecision & { ok: false; team: TeamRow });

/**
 * Uses an invitation, in one transaction: locks the team's row, counts its seats, decides (domain rules),
 * then uses the link up and adds the member. A refusal leaves the link usable (a seat may be freed).
 */
export async function joinTeamWithInvite(
	db: Kysely<Database>,
	input: { token: string; userId: string; seats: number; now: Date },
): Promise<JoinResult> {
	return db.transaction().execute(async (trx): Promise<JoinResult> => {
		const check = await checkTeamInvite(trx, input.token, input.now);
		if (!check.ok) return check;
		await trx.selectFrom('teams').select('id').where('id', '=', check.team.id).forUpdate().execute();
		const team = (await teamById(trx, check.team.id)) as TeamRow;
		const current = await trx.selectFrom('team_members').select('team_id').where('user_id', '=', input.userId).executeTakeFirst();
		const owns = await trx.selectFrom('teams').select('id').where('owner_id', '=', input.userId).executeTakeFirst();
		const decision = decideJoin({
			teamId: team.id,
			currentTeamId: current?.team_id ?? null,
			ownsTeam: owns !== undefined,
			seats: input.seats,
			used: team.members,
			active: teamIsActive({ tier: team.owner_tier, role: team.owner_role }),
		});
		if (!decision.ok) return { ...decision, team };
		const used = await trx
			.updateTable('team_invites')
			.set({ used_at: input.now, used_by: input.userId })
			.where('token_hash', '=', hashToken(input.token))
			.where('used_at', 'is', null)
			.returning('team_id')
			.executeTakeFirst();
		if (!used) return { ok: false, problem: 'used' };
		await trx.insertInto('team_members').values({ user_id: input.userId, team_id: team.id, joined_at: input.now }).execute();
		return { ok: true, team: { ...team, members: team.members + 1 } };
	});
}

/** Removes a member (never the owner) from the team; false when they are not a member of it. */
export async function deleteTeamMember(db: Kysely<Database>, teamId: string, userId: string): Promise<boolean> {
	const result = await db
		.deleteFrom('team_members')
		.where('team_id', '=', teamId)
		.where('user_id', '=', userId)
		.where('user_id', '<>', (eb) => eb.selectFrom('teams').select('owner_id').where('teams.id', '=', teamId))
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

/** Invitations still waiting (unused, unexpired), newest first: the team page lists them. */
export async function pendingInvites(db: Kysely<Database>, teamId: string, now: Date) {
	return db
		.selectFrom('team_invites')
		.select(['email', 'created_at', 'expires_at'])
		.where('team_id', '=', teamId)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.orderBy('created_at', 'desc')
		.limit(50)
		.execute();
}

/** The owner of the account's team, for a user row read without the session (sign-in): what the tier in force is derived from. */
export async function teamOwnerFields(
	db: Kysely<Database>,
	userId: string,
): Promise<{ team_owner_tier: Tier | null; team_owner_role: Role | null }> {
	const row = await db
		.selectFrom('team_members')
		.innerJoin('teams', 'teams.id', 'team_members.team_id')
		.innerJoin('users as owner', 'owner.id', 'teams.owner_id')
		.select(['owner.tier as team_owner_tier', 'owner.role as team_owner_role'])
		.where('team_members.user_id', '=', userId)
		.executeTakeFirst();
	return row ?? { team_owner_tier: null, team_owner_role: null };
}
