/**
 * What each Stripe event means for a learner's tier (server/stripe.ts), the signature check through the
 * official `stripe` package, and the STRIPE_TIERS setting.
 */
import { describe, expect, it } from 'vitest';
import { checkoutLink } from '../../../src/server/billing.ts';
import { parseEnv } from '../../../src/server/env.ts';
import { decideStripeEvent, type StripeEvent, stripeEventSchema, verifyStripeEvent } from '../../../src/server/stripe.ts';
import { checkoutCompleted, stripeSignature, subscriptionEvent } from '../../helpers/stripe-events.ts';

const TIERS = { plink_premium: 'premium', plink_pro: 'pro', price_premiumMonthly: 'premium', prod_pro: 'pro' } as const;
const SECRET = 'whsec_unitTestSecret0123456789';

const parse = (event: unknown): StripeEvent => stripeEventSchema.parse(event);
const decide = (event: unknown) => decideStripeEvent(parse(event), TIERS);

describe('checkout.session.completed', () => {
	it('names the learner by client_reference_id, remembers the customer and takes the tier from the payment link', () => {
		const event = checkoutCompleted(
			{ clientReferenceId: 'user1', customer: 'cus_1', paymentLink: 'plink_pro', email: 'a@example.test' },
			{ created: 1_800_000_000 },
		);
		expect(decide(event)).toEqual({
			kind: 'apply',
			source: 'checkout',
			tier: 'pro',
			learner: { userId: 'user1', customerId: 'cus_1', email: 'a@example.test' },
			eventAt: new Date(1_800_000_000_000),
		});
	});

	it('falls back to a "tier" metadata key (copied from the payment link) when STRIPE_TIERS does not list the link', () => {
		const event = checkoutCompleted({ clientReferenceId: 'u', paymentLink: 'plink_other', metadata: { tier: 'team' } });
		expect(decide(event)).toMatchObject({ kind: 'apply', tier: 'team' });
	});

	it('the configured map wins over metadata', () => {
		const event = checkoutCompleted({ clientReferenceId: 'u', paymentLink: 'plink_premium', metadata: { tier: 'team' } });
		expect(decide(event)).toMatchObject({ kind: 'apply', tier: 'premium' });
	});

	it('an unknown link with no usable metadata is unmapped (the operator must configure it), never a guess', () => {
		for (const metadata of [{}, { tier: 'free' }, { tier: 'gold' }] as Record<string, string>[]) {
			const event = checkoutCompleted({ clientReferenceId: 'u', paymentLink: 'plink_other', metadata });
			expect(decide(event)).toEqual({ kind: 'unmapped', reason: 'no tier is configured for payment link plink_other' });
		}
	});

	it('an unpaid checkout (bank debit still pending) changes nothing; async_payment_succeeded then applies it', () => {
		expect(decide(checkoutCompleted({ clientReferenceId: 'u', paymentLink: 'plink_premium', paymentStatus: 'unpaid' }))).toMatchObject({
			kind: 'ignore',
		});
		const later = checkoutCompleted({
			clientReferenceId: 'u',
			paymentLink: 'plink_premium',
			type: 'checkout.session.async_payment_succeeded',
		});
		expect(decide(later)).toMatchObject({ kind: 'apply', tier: 'premium' });
		expect(
			decide(checkoutCompleted({ clientReferenceId: 'u', paymentLink: 'plink_premium', paymentStatus: 'no_payment_required' })),
		).toMatchObject({
			kind: 'apply',
		});
	});

	it('drops a reference the database could not look up (NUL, overlong) instead of failing on it', () => {
		const event = checkoutCompleted({
			clientReferenceId: 'a\u0000b',
			customer: `cus_${'x'.repeat(300)}`,
			paymentLink: 'plink_premium',
			email: 'p@example.test',
		});
		expect(decide(event)).toMatchObject({ learner: { userId: null, customerId: null, email: 'p@example.test' } });
	});

	it('a checkout with neither reference nor customer still names the payer email', () => {
		const event = checkoutCompleted({ paymentLink: 'plink_premium', email: 'payer@example.test' });
		expect(decide(event)).toMatchObject({ learner: { userId: null, customerId: null, email: 'payer@example.test' } });
	});
});

describe('customer.subscription.*', () => {
	it('active and trialing hold the tier of the price (by price id, then product id, then price metadata)', () => {
		const cases = [
			[[{ id: 'price_premiumMonthly' }], 'premium'],
			[[{ id: 'price_yearly', product: 'prod_pro' }], 'pro'],
			[[{ id: 'price_x', metadata: { tier: 'team' } }], 'team'],
		] as const;
		for (const status of ['active', 'trialing']) {
			for (const [prices, tier] of cases) {
				const event = subscriptionEvent('customer.subscription.updated', { customer: 'cus_1', status, prices: [...prices] });
				expect(decide(event), `${status} ${prices[0].id}`).toMatchObject({
					kind: 'apply',
					source: 'subscription',
					tier,
					learner: { userId: null, customerId: 'cus_1', email: null },
				});
			}
		}
	});

	it('several items: the highest tier among them', () => {
		const event = subscriptionEvent('customer.subscription.created', {
			customer: 'cus_1',
			status: 'active',
			prices: [{ id: 'price_premiumMonthly' }, { id: 'price_addon' }, { id: 'price_y', product: 'prod_pro' }],
		});
		expect(decide(event)).toMatchObject({ kind: 'apply', tier: 'pro' });
	});

	it('deleted, canceled, unpaid, incomplete_expired and paused move the learner to free, whatever the price', () => {
		expect(decide(subscriptionEvent('customer.subscription.deleted', { customer: 'cus_1', status: 'active', prices: [] }))).toMatchObject({
			kind: 'apply',
			tier: 'free',
		});
		for (const status of ['canceled', 'unpaid', 'incomplete_expired', 'paused']) {
			const event = subscriptionEvent('customer.subscription.updated', { customer: 'cus_1', status, prices: [{ id: 'price_unknown' }] });
			expect(decide(event), status).toMatchObject({ kind: 'apply', tier: 'free' });
		}
	});

	it('incomplete and past_due change nothing while Stripe is still collecting', () => {
		for (const status of ['incomplete', 'past_due']) {
			const event = subscriptionEvent('customer.subscription.updated', {
				customer: 'cus_1',
				status,
				prices: [{ id: 'price_premiumMonthly' }],
			});
			expect(decide(event), status).toMatchObject({ kind: 'ignore' });
		}
	});

	it('an active subscription to a price nobody mapped is unmapped', () => {
		const event = subscriptionEvent('customer.subscription.created', {
			customer: 'cus_1',
			status: 'active',
			prices: [{ id: 'price_mystery' }],
		});
		expect(decide(event)).toEqual({ kind: 'unmapped', reason: 'no tier is configured for price price_mystery' });
	});
});

describe('other events and shapes', () => {
	it('ignores event types that do not change tiers', () => {
		const event = { ...checkoutCompleted({ clientReferenceId: 'u' }), type: 'invoice.paid' };
		expect(decide(event)).toEqual({ kind: 'ignore', reason: 'invoice.paid events do not change tiers' });
	});

	it('a subscription event without a customer is malformed', () => {
		const event = subscriptionEvent('customer.subscription.updated', { customer: 'cus_1', status: 'active' });
		(event.data.object as Record<string, unknown>).customer = null;
		expect(decide(event)).toMatchObject({ kind: 'malformed' });
	});

	it('the envelope needs id, object "event", type and created', () => {
		expect(stripeEventSchema.safeParse({ id: 'evt_1', type: 'x', created: 1, data: { object: {} } }).success).toBe(false);
		expect(stripeEventSchema.safeParse({ object: 'event', type: 'x', created: 1, data: { object: {} } }).success).toBe(false);
	});
});

describe('verifyStripeEvent (the stripe package, offline)', () => {
	const body = JSON.stringify(checkoutCompleted({ clientReferenceId: 'u' }));
	const now = new Date();

	it('accepts Stripe’s signature over the exact body', async () => {
		const result = await verifyStripeEvent(SECRET, stripeSignature(body, SECRET), body, now);
		expect(result).toMatchObject({ ok: true, event: { object: 'event', type: 'checkout.session.completed' } });
	});

	it('refuses a wrong secret, a changed body, a missing or garbled header and a signature older than 5 minutes', async () => {
		const stale = Math.floor(now.getTime() / 1000) - 301;
		const cases: [string, string | null, string][] = [
			['wrong secret', stripeSignature(body, 'whsec_another0123456789'), body],
			['changed body', stripeSignature(body, SECRET), body.replace('"u"', '"v"')],
			['missing header', null, body],
			['garbled header', 'v1=abc', body],
			['old timestamp', stripeSignature(body, SECRET, stale), body],
		];
		for (const [label, header, sent] of cases) {
			expect(await verifyStripeEvent(SECRET, header, sent, now), label).toMatchObject({ ok: false, kind: 'signature' });
		}
	});

	it('a correctly signed body that is not JSON is a JSON problem, not a signature one', async () => {
		expect(await verifyStripeEvent(SECRET, stripeSignature('{"id":', SECRET), '{"id":', now)).toMatchObject({ ok: false, kind: 'json' });
	});
});

describe('STRIPE_TIERS and STRIPE_WEBHOOK_SECRET', () => {
	it('parses id=tier pairs for payment links, prices and products', () => {
		const env = parseEnv({ STRIPE_TIERS: ' plink_A1=premium, price_B2=pro ,prod_C3=team,' });
		expect(env.STRIPE_TIERS).toEqual({ plink_A1: 'premium', price_B2: 'pro', prod_C3: 'team' });
		expect(parseEnv({}).STRIPE_TIERS).toEqual({});
	});

	it('names every bad entry and a secret that is not a whsec_ one', () => {
		expect(() => parseEnv({ STRIPE_TIERS: 'plink_A=free,cus_B=pro,price_C', STRIPE_WEBHOOK_SECRET: 'sk_live_x' })).toThrow(
			/STRIPE_WEBHOOK_SECRET: .*whsec_[\s\S]*"plink_A=free": the tier must be one of premium, pro, team[\s\S]*"cus_B=pro": expected[\s\S]*"price_C": expected/,
		);
	});
});

describe('checkoutLink', () => {
	it('adds the learner’s id and email, keeping the link’s own parameters', () => {
		const link = new URL(checkoutLink('https://buy.stripe.com/test_abc?locale=en', { id: 'abc123', email: 'a+b@example.test' }));
		expect(link.origin + link.pathname).toBe('https://buy.stripe.com/test_abc');
		expect(Object.fromEntries(link.searchParams)).toEqual({
			locale: 'en',
			client_reference_id: 'abc123',
			prefilled_email: 'a+b@example.test',
		});
	});
});
