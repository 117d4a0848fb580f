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
	/** The provider's customer the event names (Stripe `cus_…`): remembered as this learner for later events. */
	customer?: { provider: string; id: string } | undefined;
}

export type BillingOutcome = { outcome: 'applied' | 'duplicate' | 'stale'; from: Tier; to: Tier };

export async function applyBillingEvent(db: Kysely<Database>, event: BillingEvent): Promise<BillingOutcome> {
	return db.transaction().execute(async (trx) => {
		// The learner's row lock orders concurrent events for one learner.
		const user = await trx.selectFrom('users').select('tier').where('id', '=', event.userId).forUpdate().executeTakeFirstOrThrow();
		if (event.customer) {
			// The first learner a customer paid for keeps it: a later event cannot move a customer to someone else.
			await trx
				.insertInto('billing_customers')
				.values({ provider: event.customer.provider, customer_id: event.customer.id, user_id: event.userId })
				.onConflict((oc) => oc.columns(['provider', 'customer_id']).doNothing())
				.execute();
		}
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

/** The learner a provider's customer was linked to by an earlier checkout, if any. */
export async function findUserIdByCustomer(db: Kysely<Database>, provider: string, customerId: string): Promise<string | undefined> {
	const row = await db
		.selectFrom('billing_customers')
		.select('user_id')
		.where('provider', '=', provider)
		.where('customer_id', '=', customerId)
		.executeTakeFirst();
	return row?.user_id;
}
