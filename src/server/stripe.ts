/**
 * Stripe's webhook events, verified with the official `stripe` package (offline: an HMAC check, no API
 * call) and mapped to tier changes. The mapping is a pure function of the event and the configured
 * Stripe id → tier map (docs/decisions/0013-stripe-billing.md); finding the learner and applying the
 * change is the webhook operation's job.
 */
import { z } from 'astro/zod';
import { isTier, type Tier, tierRank } from '../domain/tiers.ts';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
/** Stripe's own default: a signed request older than this is refused, so a captured one cannot be replayed later. */
export const STRIPE_TOLERANCE_SECONDS = 300;

import type { StripeTierMap } from './env.ts';

export type StripeVerification = { ok: true; event: unknown } | { ok: false; reason: string; kind: 'signature' | 'json' };

/**
 * Checks the `Stripe-Signature` header against the endpoint's signing secret (`whsec_…`) and parses the body. The
 * stripe package is loaded with the first webhook, not at start: ≈ 6 MB of heap a server without billing never uses
 * (decision 0040).
 */
export async function verifyStripeEvent(secret: string, header: string | null, raw: string, now: Date): Promise<StripeVerification> {
	if (!header) return { ok: false, kind: 'signature', reason: `missing ${STRIPE_SIGNATURE_HEADER} header` };
	const { default: Stripe } = await import('stripe');
	try {
		return { ok: true, event: Stripe.webhooks.constructEvent(raw, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, now.getTime()) };
	} catch (error) {
		if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
			return { ok: false, kind: 'signature', reason: firstSentence(error.message) };
		}
		// The signature matched but the body is not JSON (constructEvent parses after verifying).
		if (error instanceof SyntaxError) return { ok: false, kind: 'json', reason: 'the body is not valid JSON' };
		throw error;
	}
}

function firstSentence(message: string): string {
	return (message.split(/[.\n]/)[0] ?? message).trim();
}

const metadataSchema = z.record(z.string(), z.string()).nullish();
/** Stripe sends a related object either as its id or, when expanded, as the object. */
const idOf = z
	.union([z.string(), z.looseObject({ id: z.string() })])
	.nullish()
	.transform((v) => (typeof v === 'string' ? v : (v?.id ?? null)));

const checkoutSessionSchema = z.looseObject({
	id: z.string(),
	client_reference_id: z.string().nullish(),
	customer: idOf,
	customer_email: z.string().nullish(),
	customer_details: z.looseObject({ email: z.string().nullish() }).nullish(),
	payment_link: idOf,
	payment_status: z.string().nullish(),
	metadata: metadataSchema,
});

const subscriptionSchema = z.looseObject({
	id: z.string(),
	customer: idOf,
	status: z.string(),
	items: z
		.looseObject({
			data: z.array(z.looseObject({ price: z.looseObject({ id: z.string(), product: idOf, metadata: metadataSchema }).nullish() })),
		})
		.nullish(),
});

/** The envelope every Stripe event has; `created` (Unix seconds) orders events for a learner. */
export const stripeEventSchema = z.looseObject({
	id: z.string().min(1).max(255),
	object: z.literal('event'),
	type: z.string().min(1).max(200),
	created: z.number().int().positive(),
	data: z.looseObject({ object: z.looseObject({}) }),
});
export type StripeEvent = z.infer<typeof stripeEventSchema>;

/** Who the event is about, strongest first: our user id (client_reference_id), the Stripe customer, the payer's email. */
export interface StripeLearnerRef {
	userId: string | null;
	customerId: string | null;
	email: string | null;
}

export type StripeDecision =
	| { kind: 'apply'; source: 'checkout' | 'subscription'; tier: Tier; learner: StripeLearnerRef; eventAt: Date }
	/** Nothing to change: the event is not about access, or the payment has not settled yet. */
	| { kind: 'ignore'; reason: string }
	/** A paid event whose tier the configuration does not name: the operator must add it (Stripe retries meanwhile). */
	| { kind: 'unmapped'; reason: string }
	/** The event's object is not what its type promises. */
	| { kind: 'malformed'; reason: string };

/** Subscription statuses that hold the tier, and those that end it (Stripe's list of subscription statuses). */
const HOLDS_TIER = new Set(['active', 'trialing']);
const ENDS_TIER = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused']);

const CHECKOUT_DONE = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
const SUBSCRIPTION_EVENTS = new Set(['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']);

/** The event types the webhook endpoint in Stripe should send (README "Taking payments with Stripe"). */
export const STRIPE_EVENT_TYPES = [...CHECKOUT_DONE, ...SUBSCRIPTION_EVENTS];

/** A value we look a learner up by: never one the database cannot hold (NUL) or an index should not see. */
function lookupKey(value: string | null | undefined): string | null {
	return value && value.length <= 254 && !value.includes('\0') ? value : null;
}

function paidTier(value: string | null | undefined): Tier | null {
	return isTier(value) && value !== 'free' ? value : null;
}

/** What a Stripe event means for a learner's tier. */
export function decideStripeEvent(event: StripeEvent, tiers: StripeTierMap): StripeDecision {
	const eventAt = new Date(event.created * 1000);
	if (CHECKOUT_DONE.has(event.type)) {
		const parsed = checkoutSessionSchema.safeParse(event.data.object);
		if (!parsed.success) return { kind: 'malformed', reason: `${event.type} does not carry a checkout session` };
		const session = parsed.data;
		// Bank debits and vouchers complete the checkout before the money arrives; async_payment_succeeded follows.
		if (session.payment_status === 'unpaid') return { kind: 'ignore', reason: 'the payment has not settled yet' };
		const tier = (session.payment_link ? tiers[session.payment_link] : undefined) ?? paidTier(session.metadata?.tier);
		if (!tier) {
			return {
				kind: 'unmapped',
				reason: `no tier is configured for ${session.payment_link ? `payment link ${session.payment_link}` : `checkout session ${session.id}`}`,
			};
		}
		const learner = {
			userId: lookupKey(session.client_reference_id),
			customerId: lookupKey(session.customer),
			email: lookupKey(session.customer_details?.email ?? session.customer_email),
		};
		return { kind: 'apply', source: 'checkout', tier, learner, eventAt };
	}
	if (SUBSCRIPTION_EVENTS.has(event.type)) {
		const parsed = subscriptionSchema.safeParse(event.data.object);
		if (!parsed.success || !parsed.data.customer) return { kind: 'malformed', reason: `${event.type} does not carry a subscription` };
		const sub = parsed.data;
		const learner = { userId: null, customerId: lookupKey(sub.customer), email: null };
		if (event.type === 'customer.subscription.deleted' || ENDS_TIER.has(sub.status)) {
			return { kind: 'apply', source: 'subscription', tier: 'free', learner, eventAt };
		}
		if (!HOLDS_TIER.has(sub.status)) {
			// incomplete, past_due: Stripe is still collecting; the tier changes when it succeeds or gives up.
			return { kind: 'ignore', reason: `subscription status ${sub.status} changes nothing until the payment succeeds or fails` };
		}
		const prices = (sub.items?.data ?? []).flatMap((item) => (item.price ? [item.price] : []));
		const found = prices.flatMap((p) => {
			const tier = tiers[p.id] ?? (p.product ? tiers[p.product] : undefined) ?? paidTier(p.metadata?.tier);
			return tier ? [tier] : [];
		});
		if (found.length === 0) {
			return { kind: 'unmapped', reason: `no tier is configured for price ${prices.map((p) => p.id).join(', ') || '(none)'}` };
		}
		const tier = found.reduce((best, t) => (tierRank(t) > tierRank(best) ? t : best));
		return { kind: 'apply', source: 'subscription', tier, learner, eventAt };
	}
	return { kind: 'ignore', reason: `${event.type} events do not change tiers` };
}
