/**
 * Billing events from the provider's webhook. Providers deliver at least once and in no particular order:
 * an event id is applied once, and an event older than the last one applied for its learner is recorded
 * but changes nothing (a replayed "activated" after a "canceled" must not give premium back).
 */
import type { Kysely } from 'kysely';
import type { Tier } from '../../domain/tiers.ts';
import type { Database } from '../db/schema.ts';
import { setTierIn } from './users.ts';

export interface BillingEvent {
	id: string;
	userId: string;
	type: string;
	tier: Tier;
	/** When the provider says the event happened. */
	eventAt: Date;
}

export type BillingOutcome = { outcome: 'applied' | 'duplicate' | 'stale'; from: Tier; to: Tier };

export async function applyBillingEvent(db: Kysely<Database>, event: BillingEvent): Promise<BillingOutcome> {
	return db.transaction().execute(async (trx) => {
		// The learner's row lock orders concurrent events for one learner.
		const user = await trx.selectFrom('users').select('tier').where('id', '=', event.userId).forUpdate().executeTakeFirstOrThrow();
		const inserted = await trx
			.insertInto('billing_events')
			.values({ id: event.id, user_id: event.userId, type: event.type, tier: event.tier, event_at: event.eventAt, applied: false })
			.onConflict((oc) => oc.column('id').doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!inserted) return { outcome: 'duplicate', from: user.tier, to: user.tier };
		const newer = await trx
			.selectFrom('billing_events')
			.select('id')
			.where('user_id', '=', event.userId)
			.where('applied', '=', true)
			.where('event_at', '>', event.eventAt)
			.executeTakeFirst();
		if (newer) return { outcome: 'stale', from: user.tier, to: user.tier };
		const change = await setTierIn(trx, event.userId, event.tier, 'billing', `${event.type} ${event.id}`);
		await trx.updateTable('billing_events').set({ applied: true }).where('id', '=', event.id).execute();
		return { outcome: 'applied', ...change };
	});
}
