/** Tiers: a learner reads their own; only an admin or a signed billing webhook changes one. */
import { z } from 'astro/zod';
import { tierSchema } from '../../content/schemas.ts';
import { ApiError, notFound } from '../api/errors.ts';
import { currentUserFrom } from '../auth/current-user.ts';
import { defineOperation, json, readLimited, validationDetails } from '../api/operation.ts';
import { MAX_BODY_BYTES } from '../api/operation.ts';
import { SIGNATURE_HEADER, verifyBillingSignature } from '../billing.ts';
import { progressFor, tierDefinition } from '../learner.ts';
import { findUserByEmail, findUserById, searchUsers, setTier, tierHistory, UserNotFoundError } from '../repositories/users.ts';
import { applyBillingEvent } from '../repositories/billing.ts';
import { getServices } from '../services.ts';
import { hasNoNul, isoDateTime, NO_NUL, upgradeOffer, upgradeOfferSchema, userSchema, userView } from './shared.ts';

const tierChangeSchema = z.object({
	from: tierSchema,
	to: tierSchema,
	actor: z.string(),
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

const userIdParams = z.object({
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
	response: z.object({ userId: z.string(), from: tierSchema, to: tierSchema, changed: z.boolean() }),
	errors: [400, 401, 403, 404],
	async handler({ params, body, user }) {
		const { db } = await getServices();
		try {
			const { from, to } = await setTier(db, params.userId, body.tier, `admin:${user.id}`, body.reason ?? null);
			return { userId: params.userId, from, to, changed: from !== to };
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
	summary: 'Find learners by email or name (administrators only)',
	description: 'Case-insensitive search over email and display name.',
	tags: ['Admin'],
	auth: 'admin',
	query: z.object({
		q: z.string().trim().min(1, 'must not be empty').max(200).refine(hasNoNul, NO_NUL),
		limit: z.coerce.number().int().min(1).max(100).default(20),
	}),
	response: z.object({ users: z.array(userSchema) }),
	errors: [400, 401, 403],
	async handler({ query }) {
		const { db } = await getServices();
		return { users: (await searchUsers(db, query.q, query.limit)).map((u) => userView(u)) };
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
	async handler({ params }) {
		const { db, content } = await getServices();
		const row = await findUserById(db, params.userId);
		if (!row) throw notFound(`User "${params.userId}"`);
		const history = await tierHistory(db, row.id);
		const progress = await progressFor(db, await content.manifest(), currentUserFrom(row, new Date()));
		return {
			user: userView(row),
			tierHistory: history.map((h) => ({
				from: h.from_tier,
				to: h.to_tier,
				actor: h.actor,
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

export const billingWebhook = defineOperation({
	operationId: 'billingWebhook',
	method: 'POST',
	path: '/api/v1/billing/webhook',
	summary: 'Billing provider webhook (HMAC-signed)',
	description:
		'Called by the billing provider, not by learners or ChatGPT. Signed with HMAC-SHA256 over "<timestamp>.<body>" in the Billing-Signature header; stale timestamps are refused.',
	tags: ['Billing'],
	auth: 'public',
	consequential: true,
	response: z.object({
		received: z.literal(true),
		userId: z.string(),
		from: tierSchema,
		to: tierSchema,
		outcome: z
			.enum(['applied', 'duplicate', 'stale'])
			.describe('duplicate: this event id was received before; stale: a later event for this learner was already applied.'),
	}),
	errors: [400, 401, 404, 503],
	async handler({ request, now }) {
		const { db, env } = await getServices();
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
		if (!check.ok) throw new ApiError(401, 'invalid_signature', `Webhook refused: ${check.reason}.`);
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
		return json({ received: true, userId: user.id, from: result.from, to: result.to, outcome: result.outcome });
	},
});
