/**
 * Stripe webhook events in Stripe's own shape (API version 2025+ field names, trimmed to what a handler
 * may read plus a few it must ignore), for the unit and integration tests. Signed, when needed, with the
 * `stripe` package's own test helper, exactly as Stripe signs them.
 */
import Stripe from 'stripe';

let counter = 0;
const nextId = (prefix: string) => `${prefix}_test${Date.now().toString(36)}${(counter++).toString(36)}`;

export interface EventOptions {
	id?: string;
	/** Unix seconds. */
	created?: number;
}

function envelope(type: string, object: Record<string, unknown>, options: EventOptions) {
	return {
		id: options.id ?? nextId('evt'),
		object: 'event',
		api_version: '2025-09-30.clover',
		created: options.created ?? Math.floor(Date.now() / 1000),
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		type,
		data: { object },
	};
}

export function checkoutCompleted(
	session: {
		clientReferenceId?: string | null;
		customer?: string | null;
		paymentLink?: string | null;
		email?: string | null;
		paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required';
		metadata?: Record<string, string>;
		type?: 'checkout.session.completed' | 'checkout.session.async_payment_succeeded';
	},
	options: EventOptions = {},
) {
	return envelope(
		session.type ?? 'checkout.session.completed',
		{
			id: nextId('cs_test'),
			object: 'checkout.session',
			amount_total: 900,
			currency: 'usd',
			client_reference_id: session.clientReferenceId ?? null,
			customer: session.customer ?? null,
			customer_email: null,
			customer_details: { email: session.email ?? null, name: 'Test Payer' },
			metadata: session.metadata ?? {},
			mode: 'subscription',
			payment_link: session.paymentLink ?? null,
			payment_status: session.paymentStatus ?? 'paid',
			status: 'complete',
			subscription: nextId('sub'),
		},
		options,
	);
}

export function subscriptionEvent(
	type: 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted',
	sub: { customer: string; status: string; prices?: { id: string; product?: string; metadata?: Record<string, string> }[] },
	options: EventOptions = {},
) {
	return envelope(
		type,
		{
			id: nextId('sub'),
			object: 'subscription',
			customer: sub.customer,
			status: sub.status,
			cancel_at_period_end: false,
			metadata: {},
			items: {
				object: 'list',
				data: (sub.prices ?? []).map((p) => ({
					id: nextId('si'),
					object: 'subscription_item',
					price: { id: p.id, object: 'price', product: p.product ?? 'prod_unlisted', metadata: p.metadata ?? {}, unit_amount: 900 },
					quantity: 1,
				})),
			},
		},
		options,
	);
}

/** The `Stripe-Signature` header Stripe would send for this exact body. */
export function stripeSignature(payload: string, secret: string, timestamp?: number): string {
	return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
}
