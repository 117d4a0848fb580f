/** Tiers: a learner reads their own; only an admin or a signed billing webhook changes one. */
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { tierSchema } from '../../content/schemas.ts';
import { ApiError, notFound } from '../api/errors.ts';
import { currentUserFrom } from '../auth/current-user.ts';
import { defineOperation, json, readLimited, validationDetails } from '../api/operation.ts';
import { MAX_BODY_BYTES } from '../api/operation.ts';
import { SIGNATURE_HEADER, verifyBillingSignature } from '../billing.ts';
import type { Database } from '../db/schema.ts';
import type { Env } from '../env.ts';
import { log } from '../log.ts';
import { decideStripeEvent, STRIPE_SIGNATURE_HEADER, stripeEventSchema, verifyStripeEvent } from '../stripe.ts';
import { progressFor, tierDefinition } from '../learner.ts';
import { findUserByEmail, findUserById, listUsers, setTier, tierHistory, UserNotFoundError } from '../repositories/users.ts';
import { applyBillingEvent, findUserIdByCustomer } from '../repositories/billing.ts';
import { getServices } from '../services.ts';
import { describeActor, hasNoNul, isoDateTime, NO_NUL, upgradeOffer, upgradeOfferSchema, userSchema, userView } from './shared.ts';

const tierChangeSchema = z.object({
	from: tierSchema,
	to: tierSchema,
	actor: z.string(),
	by: z.string().describe('Who made the change, by name and email (or "Billing", "The command line").'),
	reason: z.string().nullable(),
	at: isoDateTime,
});

export const getUserTier = defineOperation({
	operationId: 'getUserTier',
	method: 'GET',
	path: '/api/v1/me/tier',
	summary: "The learner's tier and what it includes",
	description:
		"The learner's tier (free, premium, pro or team), what it includes, daily quiz attempts and streak freezes, and the tiers above it.",
	tags: ['Tiers'],
	auth: 'learner',
	response: z.object({
		tier: tierSchema,
		name: z.string(),
		includes: z.array(z.string()),
		quizAttemptsPerDay: z.number().int().nullable(),
		streakFreezesPerMonth: z.number().int(),
		upgrades: z.array(upgradeOfferSchema),
	}),
	errors: [401],
	async handler({ user }) {
		const { content } = await getServices();
		const manifest = await content.manifest();
		const def = tierDefinition(manifest, user.tier);
		const order = manifest.course.tiers.map((t) => t.id);
		return {
			tier: user.tier,
			name: def.name,
			includes: def.includes,
			quizAttemptsPerDay: def.quizAttemptsPerDay,
			streakFreezesPerMonth: def.streakFreezesPerMonth,
			upgrades: manifest.course.tiers.filter((t) => order.indexOf(t.id) > order.indexOf(user.tier)).map(upgradeOffer),
		};
	},
});

export const userIdParams = z.object({
	userId: z.string().min(1).max(64).refine(hasNoNul, NO_NUL).describe("The learner's user id (admin only)."),
});

export const upgradeTier = defineOperation({
	operationId: 'upgradeTier',
	method: 'POST',
	path: '/api/v1/admin/users/{userId}/tier',
	summary: "Change a learner's tier (administrators only)",
	description: "Sets a learner's tier and records who changed it and why in the audit trail. Learners cannot change their own tier.",
	tags: ['Admin'],
	auth: 'admin',
	consequential: true,
	params: userIdParams,
	body: z.object({ tier: tierSchema, reason: z.string().trim().max(500).refine(hasNoNul, NO_NUL).optional() }),
	response: z.object({
		userId: z.string(),
		from: tierSchema,
		to: tierSchema,
		changed: z.boolean().describe('false when the learner already had this tier: nothing is recorded then.'),
		message: z.string(),
	}),
	errors: [400, 401, 403, 404],
	async handler({ params, body, user }) {
		const { db } = await getServices();
		try {
			const { from, to } = await setTier(db, params.userId, body.tier, `admin:${user.id}`, body.reason ?? null);
			const message = from === to ? `Nothing changed: the learner already has the ${to} tier.` : `Tier changed from ${from} to ${to}.`;
			return { userId: params.userId, from, to, changed: from !== to, message };
		} catch (error) {
			if (error instanceof UserNotFoundError) throw notFound(`User "${params.userId}"`);
			throw error;
		}
	},
});

export const searchUsersOp = defineOperation({
	operationId: 'searchUsers',
	method: 'GET',
	path: '/api/v1/admin/users',
	summary: 'Find or list learners by email or name, a page at a time (administrators only)',
	description:
		'Case-insensitive search over email and display name, ordered by email; without q, every account. `total` counts all matches.',
	tags: ['Admin'],
	auth: 'admin',
	query: z.object({
		q: z.string().trim().min(1, 'must not be empty').max(200).refine(hasNoNul, NO_NUL).optional(),
		limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size.'),
		page: z.coerce.number().int().min(1).max(100_000).default(1),
	}),
	response: z.object({ users: z.array(userSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }),
	errors: [400, 401, 403],
	async handler({ query }) {
		const { db } = await getServices();
		const { users, total } = await listUsers(db, { query: query.q, limit: query.limit, offset: (query.page - 1) * query.limit });
		return { users: users.map((u) => userView(u)), total, page: query.page, pageSize: query.limit };
	},
});

export const getUserAdmin = defineOperation({
	operationId: 'getUser',
	method: 'GET',
	path: '/api/v1/admin/users/{userId}',
	summary: "A learner's account, tier history and progress (administrators only)",
	description: 'For support and tier changes: the account, every tier change with who made it, and progress.',
	tags: ['Admin'],
	auth: 'admin',
	params: userIdParams,
	response: z.object({
		user: userSchema,
		tierHistory: z.array(tierChangeSchema),
		percentComplete: z.number().int(),
	}),
	errors: [401, 403, 404],
	async handler({ params, now }) {
		const { db, content } = await getServices();
		const row = await findUserById(db, params.userId);
		if (!row) throw notFound(`User "${params.userId}"`);
		const history = await tierHistory(db, row.id);
		const adminIds = [...new Set(history.flatMap((h) => (h.actor.startsWith('admin:') ? [h.actor.slice('admin:'.length)] : [])))];
		const admins = adminIds.length
			? await db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', 'in', adminIds).execute()
			: [];
		const adminById = new Map(admins.map((a) => [a.id, { name: a.display_name, email: a.email }]));
		const progress = await progressFor(db, await content.manifest(), currentUserFrom(row, now), now);
		return {
			user: userView(row),
			tierHistory: history.map((h) => ({
				from: h.from_tier,
				to: h.to_tier,
				actor: h.actor,
				by: describeActor(h.actor, h.actor.startsWith('admin:') ? (adminById.get(h.actor.slice('admin:'.length)) ?? null) : null),
				reason: h.reason,
				at: h.created_at.toISOString(),
			})),
			percentComplete: progress.percentComplete,
		};
	},
});

const billingEventSchema = z.object({
	id: z.string().min(1).max(200).refine(hasNoNul, NO_NUL).describe('The billing provider’s event id.'),
	type: z.enum(['subscription.activated', 'subscription.updated', 'subscription.canceled']),
	email: z.email().max(254).optional(),
	userId: z.string().max(64).refine(hasNoNul, NO_NUL).optional(),
	tier: tierSchema.describe('The tier the subscription grants; canceled events move the learner to free.'),
	created: z
		.number()
		.int()
		.positive()
		.optional()
		.describe('When the event happened (Unix seconds); events are applied in this order. Default: the signature timestamp.'),
});

const webhookResponseSchema = z.object({
	received: z.literal(true),
	outcome: z
		.enum(['applied', 'duplicate', 'stale', 'ignored'])
		.describe(
			'duplicate: this event id was received before; stale: a later event for this learner was already applied; ignored: the event changes no tier (see reason).',
		),
	userId: z.string().optional(),
	from: tierSchema.optional(),
	to: tierSchema.optional(),
	reason: z.string().optional().describe('Why an ignored event changed nothing.'),
});
type WebhookResponse = z.infer<typeof webhookResponseSchema>;

export const billingWebhook = defineOperation({
	operationId: 'billingWebhook',
	needsAstro: true,
	method: 'POST',
	path: '/api/v1/billing/webhook',
	summary: 'Billing provider webhook (Stripe or HMAC-signed)',
	description:
		'Called by the billing provider, not by learners or ChatGPT. Accepts Stripe events (Stripe-Signature header) or the generic format signed with HMAC-SHA256 over "<timestamp>.<body>" in Billing-Signature; stale timestamps are refused.',
	tags: ['Billing'],
	auth: 'public',
	consequential: true,
	response: webhookResponseSchema,
	errors: [400, 404, 503],
	async handler({ request, now }) {
		const { db, env } = await getServices();
		if (request.headers.has(STRIPE_SIGNATURE_HEADER)) {
			if (!env.STRIPE_WEBHOOK_SECRET) {
				throw new ApiError(503, 'billing_not_configured', 'Stripe webhooks are disabled: STRIPE_WEBHOOK_SECRET is not set.');
			}
			const raw = await readLimited(request, MAX_BODY_BYTES);
			return json(await receiveStripeEvent(db, env, request.headers.get(STRIPE_SIGNATURE_HEADER), raw, now));
		}
		if (!env.BILLING_WEBHOOK_SECRET) {
			throw new ApiError(503, 'billing_not_configured', 'Billing webhooks are disabled: BILLING_WEBHOOK_SECRET is not set.');
		}
		const raw = await readLimited(request, MAX_BODY_BYTES);
		const check = verifyBillingSignature(
			env.BILLING_WEBHOOK_SECRET,
			request.headers.get(SIGNATURE_HEADER),
			raw,
			Math.floor(now.getTime() / 1000),
		);
		if (!check.ok) throw new ApiError(400, 'invalid_signature', `Webhook refused: ${check.reason}.`);
		let parsed: unknown;
		try {
			parsed = JSON.parse(raw);
		} catch {
			throw new ApiError(400, 'invalid_json', 'The webhook body is not valid JSON.');
		}
		const event = billingEventSchema.safeParse(parsed);
		if (!event.success)
			throw new ApiError(
				400,
				'validation_failed',
				`Invalid webhook event: ${event.error.issues[0]?.message}`,
				validationDetails(event.error, 'body'),
			);
		const user = event.data.userId
			? await findUserById(db, event.data.userId)
			: event.data.email
				? await findUserByEmail(db, event.data.email)
				: undefined;
		if (!user) throw notFound('The learner named by the event');
		const to = event.data.type === 'subscription.canceled' ? 'free' : event.data.tier;
		const eventAt = new Date((event.data.created ?? check.timestamp) * 1000);
		const result = await applyBillingEvent(db, { id: event.data.id, userId: user.id, type: event.data.type, tier: to, eventAt });
		return json({ received: true, userId: user.id, from: result.from, to: result.to, outcome: result.outcome } satisfies WebhookResponse);
	},
});

/**
 * A Stripe event: verified, mapped to a tier (server/stripe.ts), matched to a learner and applied once, in
 * event order. A checkout that names no known learner is refused (404) so Stripe retries and the payment
 * shows as failed in its Dashboard; a subscription event for a customer no checkout linked is ignored
 * (another product on the same Stripe account, or sent before the checkout that links it).
 */
async function receiveStripeEvent(db: Kysely<Database>, env: Env, header: string | null, raw: string, now: Date): Promise<WebhookResponse> {
	const verified = await verifyStripeEvent(env.STRIPE_WEBHOOK_SECRET as string, header, raw, now);
	if (!verified.ok) {
		if (verified.kind === 'json') throw new ApiError(400, 'invalid_json', 'The webhook body is not valid JSON.');
		throw new ApiError(400, 'invalid_signature', `Webhook refused: ${verified.reason}.`);
	}
	const envelope = stripeEventSchema.safeParse(verified.event);
	if (!envelope.success) {
		throw new ApiError(400, 'validation_failed', 'The body is not a Stripe event.', validationDetails(envelope.error, 'body'));
	}
	const event = envelope.data;
	const decision = decideStripeEvent(event, env.STRIPE_TIERS);
	if (decision.kind === 'malformed') throw new ApiError(400, 'validation_failed', `Invalid Stripe event ${event.id}: ${decision.reason}.`);
	if (decision.kind === 'ignore') return { received: true, outcome: 'ignored', reason: decision.reason };
	if (decision.kind === 'unmapped') {
		log.error({ eventId: event.id, type: event.type }, `Stripe event not applied: ${decision.reason} (STRIPE_TIERS)`);
		throw new ApiError(
			503,
			'billing_not_configured',
			`${decision.reason[0]?.toUpperCase()}${decision.reason.slice(1)}: add it to STRIPE_TIERS (or give it a "tier" metadata key); Stripe retries the event.`,
		);
	}
	const { learner } = decision;
	const userId =
		(learner.userId ? (await findUserById(db, learner.userId))?.id : undefined) ??
		(learner.customerId ? await findUserIdByCustomer(db, 'stripe', learner.customerId) : undefined) ??
		(learner.email ? (await findUserByEmail(db, learner.email))?.id : undefined);
	if (!userId) {
		if (decision.source === 'checkout') {
			log.warn({ eventId: event.id, clientReferenceId: learner.userId }, 'Stripe checkout names no known learner');
			throw notFound('The learner named by the checkout');
		}
		return { received: true, outcome: 'ignored', reason: 'no learner is linked to this customer' };
	}
	const customer = decision.source === 'checkout' && learner.customerId ? { provider: 'stripe', id: learner.customerId } : undefined;
	const result = await applyBillingEvent(db, {
		id: event.id,
		userId,
		type: event.type,
		tier: decision.tier,
		eventAt: decision.eventAt,
		customer,
	});
	return { received: true, userId, from: result.from, to: result.to, outcome: result.outcome };
}
