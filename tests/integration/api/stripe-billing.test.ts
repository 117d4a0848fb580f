/**
 * Paying with Stripe, through the real server: the paywall and the account page lead to /checkout, which
 * asks for sign-in and sends the learner to the course's Payment Link with their id; Stripe's events, in
 * Stripe's format and signed the way Stripe signs them (the `stripe` package's own test helper), move the
 * tier exactly once each, in event order. The fixture course (tests/fixtures/courses/demo) has checkout
 * links for Premium and Pro and none for Team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBillingPayload } from '../../../src/server/billing.ts';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { checkoutCompleted, stripeSignature, subscriptionEvent } from '../../helpers/stripe-events.ts';
import {
	type ApiServer,
	isErrorShape,
	type Learner,
	PREMIUM_CHAPTER,
	registerLearner,
	registerPremium,
	signInAdmin,
	startApiServer,
	uniqueEmail,
} from './fixtures.ts';

const STRIPE_SECRET = 'whsec_integrationSuiteSecret0123';
const GENERIC_SECRET = 'stripe-suite-generic-secret-0123';
const STRIPE_TIERS = 'plink_fixturePremium=premium,price_fixturePremiumMonthly=premium,prod_fixturePro=pro';
const PREMIUM_LINK = 'https://buy.stripe.com/test_fixturePremium';

/** The "Continue to payment" link of a /checkout page, as the browser reads it. */
function checkoutLinkOn(html: string): URL {
	const href = html.match(/<a class="button" href="([^"]+)" data-checkout-link/)?.[1];
	if (!href) throw new Error(`no checkout link on the page:\n${html.slice(0, 2000)}`);
	return new URL(href.replaceAll('&amp;', '&'));
}

describe.each(DATABASE_KINDS)('%s: paying with Stripe', (kind) => {
	let api: ApiServer;
	let admin: Learner;
	beforeAll(async () => {
		api = await startApiServer(kind, { STRIPE_WEBHOOK_SECRET: STRIPE_SECRET, STRIPE_TIERS, BILLING_WEBHOOK_SECRET: GENERIC_SECRET });
		admin = await signInAdmin(api);
	});
	afterAll(async () => {
		await api?.stop();
	});

	/** Posts an event as Stripe does: the exact bytes, signed over those bytes. */
	const send = (event: unknown, sign: (body: string) => string = (body) => stripeSignature(body, STRIPE_SECRET)) => {
		const body = JSON.stringify(event);
		return api.client().request('POST', '/api/v1/billing/webhook', body, {
			'content-type': 'application/json; charset=utf-8',
			'stripe-signature': sign(body),
		});
	};
	const tierOf = async (learner: Learner) => (await learner.client.get('/api/v1/me')).json.tier as string;
	const history = async (learner: Learner) =>
		((await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json.tierHistory as { from: string; to: string; actor: string }[]).map(
			(h) => `${h.from}→${h.to} ${h.actor}`,
		);

	describe('the way to pay', () => {
		it('the premium paywall offers the tiers that have a checkout; /checkout asks an anonymous reader to sign in, then links to the Payment Link', async () => {
			const page = await api.client(false).get(`/chapters/${PREMIUM_CHAPTER}/`);
			expect(page.status).toBe(200);
			expect(page.text).toContain('href="/checkout/premium"');
			expect(page.text).toContain('href="/checkout/pro"');
			expect(page.text).not.toContain('href="/checkout/team"');
			const anonymous = await api.client(false).get('/checkout/premium');
			expect(anonymous.status).toBe(303);
			expect(anonymous.headers.get('location')).toBe('/login?next=%2Fcheckout%2Fpremium');

			// Signing in with that `next` returns to /checkout, which now links to Stripe with the learner's id.
			const learner = await registerLearner(api, 'paywall', { checked: false });
			const browser = api.client(false);
			const form = new URLSearchParams({ email: learner.email, password: learner.password, next: '/checkout/premium' });
			const signIn = await browser.request('POST', '/login', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
			expect(signIn.status).toBe(303);
			expect(signIn.headers.get('location')).toBe('/checkout/premium');
			const onward = await browser.get('/checkout/premium');
			expect(onward.status).toBe(200);
			expect(onward.headers.get('cache-control')).toBe('private, no-store');
			expect(onward.text).toContain(learner.email);
			const link = checkoutLinkOn(onward.text);
			expect(`${link.origin}${link.pathname}`).toBe(PREMIUM_LINK);
			expect(Object.fromEntries(link.searchParams)).toEqual({ client_reference_id: learner.id, prefilled_email: learner.email });
		});

		it("keeps the link's own parameters; a tier without a checkout, an unknown tier and a tier already held go nowhere near Stripe", async () => {
			const learner = await registerLearner(api, 'links', { checked: false });
			const pro = checkoutLinkOn((await learner.client.get('/checkout/pro')).text);
			expect(pro.searchParams.get('locale')).toBe('en');
			expect(pro.searchParams.get('client_reference_id')).toBe(learner.id);
			expect((await learner.client.get('/checkout/team')).status).toBe(404);
			expect((await learner.client.get('/checkout/gold')).status).toBe(404);
			expect((await learner.client.get('/checkout/free')).status).toBe(404);
			const premium = await registerPremium(api, admin.client, 'held', false);
			const held = await premium.client.get('/checkout/premium');
			expect(held.status).toBe(303);
			expect(held.headers.get('location')).toBe('/account?checkout=held&tier=premium#upgrade');
			expect((await premium.client.get('/account?checkout=held&tier=premium')).text).toContain('Your plan already includes that one.');
		});

		it('the account page links each upgrade with a checkout and says what happens after paying', async () => {
			const learner = await registerLearner(api, 'account', { checked: false });
			const page = await learner.client.get('/account');
			expect(page.status).toBe(200);
			expect(page.text).toContain('href="/checkout/premium"');
			expect(page.text).toContain('href="/checkout/pro"');
			expect(page.text).not.toContain('href="/checkout/team"');
			expect(page.text).toContain('your plan changes once it confirms the payment');
			expect(page.text).toContain('Not sold online: ask a course administrator.');
			const back = await learner.client.get('/account?checkout=done');
			expect(back.text).toContain('Your plan changes as soon as the payment provider confirms the payment');
		});

		it('the API offers the same page to ChatGPT: getUserTier upgrades and the 403 on a premium chapter carry checkoutUrl', async () => {
			const learner = await registerLearner(api, 'api-offer');
			const tier = (await learner.client.get('/api/v1/me/tier')).json;
			expect(tier.upgrades.map((u: { tier: string; checkoutUrl: string | null }) => [u.tier, u.checkoutUrl])).toEqual([
				['premium', '/checkout/premium'],
				['pro', '/checkout/pro'],
				['team', null],
			]);
			const locked = await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`);
			expect(locked.status).toBe(403);
			expect(locked.json.error.details.upgrade.checkoutUrl).toBe('/checkout/premium');
			const course = (await api.client().get('/api/v1/course.json')).json;
			expect(JSON.stringify(course)).not.toContain('buy.stripe.com');
		});
	});

	describe('Stripe events', () => {
		it('checkout completed, then subscription deleted: each moves the tier exactly once; replays and an older event change nothing', async () => {
			const learner = await registerLearner(api, 'stripe-flow');
			const customer = `cus_flow${learner.id.slice(0, 8)}`;
			const t = Math.floor(Date.now() / 1000) - 200;
			const checkout = checkoutCompleted(
				{ clientReferenceId: learner.id, customer, paymentLink: 'plink_fixturePremium', email: learner.email },
				{ created: t },
			);
			const first = await send(checkout);
			expect(first.status).toBe(200);
			expect(first.json).toEqual({ received: true, outcome: 'applied', userId: learner.id, from: 'free', to: 'premium' });
			expect(await tierOf(learner)).toBe('premium');
			expect((await learner.client.get(`/api/v1/chapters/${PREMIUM_CHAPTER}/content`)).status).toBe(200);
			// Stripe delivers at least once: the same event again, freshly signed, is recognised.
			expect((await send(checkout)).json).toMatchObject({ outcome: 'duplicate', from: 'premium', to: 'premium' });

			// Later events name only the customer: the checkout linked it to the learner.
			const active = subscriptionEvent(
				'customer.subscription.updated',
				{ customer, status: 'active', prices: [{ id: 'price_fixturePremiumMonthly' }] },
				{ created: t + 10 },
			);
			expect((await send(active)).json).toMatchObject({ outcome: 'applied', userId: learner.id, from: 'premium', to: 'premium' });

			const deleted = subscriptionEvent('customer.subscription.deleted', { customer, status: 'canceled' }, { created: t + 100 });
			expect((await send(deleted)).json).toEqual({ received: true, outcome: 'applied', userId: learner.id, from: 'premium', to: 'free' });
			expect((await send(deleted)).json).toMatchObject({ outcome: 'duplicate', to: 'free' });
			// An update sent before the cancellation but delivered after it must not give the plan back.
			const late = subscriptionEvent(
				'customer.subscription.updated',
				{ customer, status: 'active', prices: [{ id: 'price_fixturePremiumMonthly' }] },
				{ created: t + 50 },
			);
			expect((await send(late)).json).toMatchObject({ outcome: 'stale', from: 'free', to: 'free' });
			expect((await send(checkout)).json).toMatchObject({ outcome: 'duplicate', to: 'free' });
			expect(await tierOf(learner)).toBe('free');
			expect(await history(learner)).toEqual(['free→premium billing', 'premium→free billing']);
		});

		it('the same event delivered five times at once is applied once', async () => {
			const learner = await registerLearner(api, 'stripe-concurrent');
			const event = checkoutCompleted({
				clientReferenceId: learner.id,
				customer: `cus_c${learner.id.slice(0, 8)}`,
				paymentLink: 'plink_fixturePremium',
			});
			const results = await Promise.all(Array.from({ length: 5 }, () => send(event)));
			expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
			expect(results.map((r) => r.json.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
			expect(await history(learner)).toEqual(['free→premium billing']);
		});

		it('a plan change in Stripe (a Pro price by product) and an upgrade by the payer’s email when the link lost its reference', async () => {
			const learner = await registerLearner(api, 'stripe-email');
			const customer = `cus_e${learner.id.slice(0, 8)}`;
			const t = Math.floor(Date.now() / 1000) - 100;
			const bought = checkoutCompleted(
				{ customer, paymentLink: 'plink_fixturePremium', email: learner.email.toUpperCase() },
				{ created: t },
			);
			expect((await send(bought)).json).toMatchObject({ outcome: 'applied', userId: learner.id, to: 'premium' });
			const upgraded = subscriptionEvent(
				'customer.subscription.updated',
				{ customer, status: 'active', prices: [{ id: 'price_fixtureProYearly', product: 'prod_fixturePro' }] },
				{ created: t + 5 },
			);
			expect((await send(upgraded)).json).toMatchObject({ outcome: 'applied', from: 'premium', to: 'pro' });
			const pastDue = subscriptionEvent('customer.subscription.updated', { customer, status: 'past_due', prices: [] }, { created: t + 6 });
			expect((await send(pastDue)).json).toMatchObject({ outcome: 'ignored' });
			expect(await tierOf(learner)).toBe('pro');
		});

		it('refuses a bad signature with 400 in the JSON error shape, changing nothing', async () => {
			const learner = await registerLearner(api, 'stripe-bad');
			const event = checkoutCompleted({ clientReferenceId: learner.id, paymentLink: 'plink_fixturePremium' });
			const now = Math.floor(Date.now() / 1000);
			const cases: [string, (body: string) => string][] = [
				['wrong secret', (body) => stripeSignature(body, 'whsec_someoneElse0123456789')],
				['signed another body', (body) => stripeSignature(body.replace(learner.id, 'x'), STRIPE_SECRET)],
				['garbled header', () => 't=1,v1=zz'],
				['empty header', () => ''],
				['10 minutes old', (body) => stripeSignature(body, STRIPE_SECRET, now - 600)],
			];
			for (const [label, sign] of cases) {
				const res = await send(event, sign);
				expect(res.status, label).toBe(400);
				expect(isErrorShape(res.json), label).toBe(true);
				expect(res.json.error.code, label).toBe('invalid_signature');
			}
			expect(await tierOf(learner)).toBe('free');
		});

		it('an unknown learner: a checkout is refused with 404 (Stripe retries and shows it failed); a subscription of an unknown customer is ignored', async () => {
			const ghost = checkoutCompleted({
				clientReferenceId: 'nosuchlearner',
				customer: 'cus_ghost',
				paymentLink: 'plink_fixturePremium',
				email: uniqueEmail('ghost'),
			});
			const refused = await send(ghost);
			expect(refused.status).toBe(404);
			expect(isErrorShape(refused.json)).toBe(true);
			const stranger = subscriptionEvent('customer.subscription.created', {
				customer: 'cus_stranger',
				status: 'active',
				prices: [{ id: 'price_fixturePremiumMonthly' }],
			});
			expect((await send(stranger)).json).toEqual({ received: true, outcome: 'ignored', reason: 'no learner is linked to this customer' });
		});

		it('a payment link nobody mapped is 503 billing_not_configured (Stripe retries once the operator adds it); other event types are ignored', async () => {
			const learner = await registerLearner(api, 'stripe-unmapped');
			const unmapped = await send(checkoutCompleted({ clientReferenceId: learner.id, paymentLink: 'plink_unknown' }));
			expect(unmapped.status).toBe(503);
			expect(unmapped.json.error.code).toBe('billing_not_configured');
			expect(unmapped.json.error.message).toContain('plink_unknown');
			expect(await tierOf(learner)).toBe('free');
			const invoice = { ...checkoutCompleted({ clientReferenceId: learner.id }), type: 'invoice.paid' };
			expect((await send(invoice)).json).toMatchObject({ outcome: 'ignored', reason: 'invoice.paid events do not change tiers' });
		});

		it('a signed body that is not a Stripe event is 400', async () => {
			const notJson = await api.client().request('POST', '/api/v1/billing/webhook', '{"id":', {
				'stripe-signature': stripeSignature('{"id":', STRIPE_SECRET),
			});
			expect(notJson.status).toBe(400);
			expect(notJson.json.error.code).toBe('invalid_json');
			const notEvent = await send({ id: 'evt_x', hello: 'world' });
			expect(notEvent.status).toBe(400);
			expect(notEvent.json.error.code).toBe('validation_failed');
		});

		it('the generic HMAC format keeps working on the same endpoint', async () => {
			const learner = await registerLearner(api, 'generic');
			const body = JSON.stringify({ id: `evt_g_${learner.id}`, type: 'subscription.activated', userId: learner.id, tier: 'pro' });
			const res = await api.client().request('POST', '/api/v1/billing/webhook', body, {
				'billing-signature': signBillingPayload(GENERIC_SECRET, Math.floor(Date.now() / 1000), body),
			});
			expect(res.json).toEqual({ received: true, outcome: 'applied', userId: learner.id, from: 'free', to: 'pro' });
		});
	});
});
