/**
 * Billing: the checkout link a learner is sent to, and the generic webhook signature — HMAC-SHA256 over
 * "<timestamp>.<raw body>", sent as `Billing-Signature: t=<unix seconds>,v1=<hex>`, the scheme Stripe
 * popularised. Stale timestamps are refused so a captured request cannot be replayed later.
 * Stripe's own events are verified by server/stripe.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'billing-signature';
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export function signBillingPayload(secret: string, timestamp: number, body: string): string {
	const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
	return `t=${timestamp},v1=${digest}`;
}

/** On success, the signed timestamp (Unix seconds): the event time when the event carries none. */
export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

export function verifyBillingSignature(secret: string, header: string | null, body: string, nowSeconds: number): SignatureCheck {
	if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
	const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
	const timestamp = Number(parts.t);
	if (!Number.isInteger(timestamp) || !parts.v1) return { ok: false, reason: 'malformed signature header' };
	if (Math.abs(nowSeconds - timestamp) > MAX_SIGNATURE_AGE_SECONDS) {
		return { ok: false, reason: `timestamp is more than ${MAX_SIGNATURE_AGE_SECONDS} seconds from now` };
	}
	const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'), 'hex');
	const given = Buffer.from(/^[0-9a-f]+$/i.test(parts.v1) ? parts.v1 : '', 'hex');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
	return { ok: true, timestamp };
}

/**
 * The provider's checkout page for one learner: `client_reference_id` (the learner's id, which the webhook
 * matches the payment by) and `prefilled_email`, the query parameters Stripe Payment Links accept.
 */
export function checkoutLink(providerUrl: string, learner: { id: string; email: string }): string {
	const url = new URL(providerUrl);
	url.searchParams.set('client_reference_id', learner.id);
	url.searchParams.set('prefilled_email', learner.email);
	return url.toString();
}
