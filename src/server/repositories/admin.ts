/** The administrators' audit log: tier changes (tier_changes) and their other actions (admin_actions). */
import { type Kysely, sql } from 'kysely';
import type { AdminActionKind, Database, Tier } from '../db/schema.ts';

/** Records an administrator's action on an account (inside the caller's transaction when there is one). */
export async function recordAdminAction(
	db: Kysely<Database>,
	input: { actorId: string; userId: string; action: AdminActionKind },
): Promise<void> {
	await db.insertInto('admin_actions').values({ actor_id: input.actorId, user_id: input.userId, action: input.action }).execute();
}

export type AuditKind = 'tier_changed' | AdminActionKind;

export interface AuditEntry {
	at: Date;
	kind: AuditKind;
	userId: string;
	userEmail: string;
	userName: string;
	/** The administrator, when an administrator did it and their account still exists. */
	actorEmail: string | null;
	actorName: string | null;
	/** tier_changes.actor as stored ('admin:<id>', 'billing', 'cli'); 'admin' for admin actions. */
	actor: string;
	fromTier: Tier | null;
	toTier: Tier | null;
	reason: string | null;
}

/**
 * The audit log, newest first: tier changes and admin actions in one list, with the learner's and the
 * administrator's names joined in. Within one instant (one transaction), an account's creation comes
 * after (is older than) its starting tier, and otherwise the later row (higher id) first.
 */
export async function auditLog(
	db: Kysely<Database>,
	input: { limit: number; offset: number },
): Promise<{ entries: AuditEntry[]; total: number }> {
	const entries = sql`(
		select tc.created_at, tc.id, 'tier_changed' as kind, tc.user_id,
			case when tc.actor like 'admin:%' then substr(tc.actor, 7) end as actor_id,
			tc.actor, tc.from_tier, tc.to_tier, tc.reason
		from tier_changes tc
		union all
		select aa.created_at, aa.id, aa.action as kind, aa.user_id, aa.actor_id,
			'admin' as actor, null as from_tier, null as to_tier, null as reason
		from admin_actions aa
	)`;
	const [rows, count] = await Promise.all([
		sql<{
			created_at: Date;
			kind: AuditKind;
			user_id: string;
			user_email: string;
			user_name: string;
			actor_email: string | null;
			actor_name: string | null;
			actor: string;
			from_tier: Tier | null;
			to_tier: Tier | null;
			reason: string | null;
		}>`select e.created_at, e.kind, e.user_id, u.email as user_email, u.display_name as user_name,
				a.email as actor_email, a.display_name as actor_name, e.actor, e.from_tier, e.to_tier, e.reason
			from ${entries} e
			join users u on u.id = e.user_id
			left join users a on a.id = e.actor_id
			order by e.created_at desc, (e.kind = 'learner_created') asc, e.id desc
			limit ${input.limit} offset ${input.offset}`.execute(db),
		sql<{ n: number }>`select (select count(*) from tier_changes) + (select count(*) from admin_actions) as n`.execute(db),
	]);
	return {
		entries: rows.rows.map((r) => ({
			at: new Date(r.created_at),
			kind: r.kind,
			userId: r.user_id,
			userEmail: r.user_email,
			userName: r.user_name,
			actorEmail: r.actor_email,
			actorName: r.actor_name,
			actor: r.actor,
			fromTier: r.from_tier,
			toTier: r.to_tier,
			reason: r.reason,
		})),
		total: Number(count.rows[0]?.n ?? 0),
	};
}
