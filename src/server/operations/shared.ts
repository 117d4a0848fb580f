/** Schemas several operations share, and helpers that turn domain decisions into API errors. */
import { z } from 'astro/zod';
import type { PrivateManifest } from '../../content/artifact.ts';
import { type TierPublic, tierSchema } from '../../content/schemas.ts';
import { checkAccess } from '../../domain/access.ts';
import { SLUG } from '../../domain/ids.ts';
import { ROLES } from '../../domain/roles.ts';
import { pendingTimeZone } from '../../domain/time-zone-change.ts';
import { type Tier, tierName } from '../../domain/tiers.ts';
import { ApiError } from '../api/errors.ts';
import { type CurrentUser, currentUserFrom } from '../auth/current-user.ts';

export const slugParam = z.string().regex(SLUG, 'must be a lowercase id such as "getting-started"').max(100);
export const chapterIdParams = z.object({ id: slugParam.describe('Chapter id, e.g. "getting-started" (see listChapters).') });
export const quizIdParams = z.object({ id: slugParam.describe('Quiz id; equal to its chapter id, e.g. "getting-started".') });
/** Postgres text cannot hold U+0000: refuse it as a 400 here rather than fail in the database with a 500. */
export const hasNoNul = (value: string) => !value.includes('\u0000');
export const NO_NUL = 'must not contain the NUL character (U+0000)';
export const isoDateTime = z.string().describe('ISO 8601 instant, e.g. 2026-11-26T09:30:00.000Z');
export const localDay = z.string().describe("A calendar day in the learner's time zone, YYYY-MM-DD.");

export const userSchema = z
	.object({
		id: z.string(),
		email: z.string(),
		displayName: z.string(),
		timezone: z.string().describe('IANA time zone in force for daily limits and streak days, e.g. "Europe/Paris".'),
		pendingTimezone: z
			.object({ timezone: z.string(), from: isoDateTime })
			.nullable()
			.describe('A newly chosen time zone, which takes over at the next midnight of the one in force; null when none waits.'),
		role: z.enum(ROLES),
		tier: tierSchema,
	})
	.meta({ id: 'User' });

export function userView(user: CurrentUser | Parameters<typeof currentUserFrom>[0], now = new Date()) {
	const current = 'displayName' in user ? user : currentUserFrom(user, now);
	const pending = pendingTimeZone(current.zone, now);
	return {
		id: current.id,
		email: current.email,
		displayName: current.displayName,
		timezone: current.timezone,
		pendingTimezone: pending ? { timezone: pending.timezone, from: pending.from.toISOString() } : null,
		role: current.role,
		tier: current.tier,
	};
}

/** What a learner can upgrade to: shown on the paywall, in checkAccess and in getUserTier. */
export const upgradeOfferSchema = z.object({
	tier: tierSchema,
	name: z.string(),
	priceMonthly: z.number(),
	includes: z.array(z.string()),
	checkoutUrl: z
		.string()
		.nullable()
		.describe(
			"The site's page that starts paying for this tier (sign-in first, then the provider's checkout); null: ask a course administrator.",
		),
});
export type UpgradeOffer = z.infer<typeof upgradeOfferSchema>;

export function upgradeOffer(tier: TierPublic): UpgradeOffer {
	return { tier: tier.id, name: tier.name, priceMonthly: tier.priceMonthly, includes: tier.includes, checkoutUrl: tier.checkoutUrl };
}

/** Refuses content the learner's tier does not include: 401 for anonymous, 403 with the upgrade otherwise. */
export function assertCanRead(manifest: PrivateManifest, user: CurrentUser | null, required: Tier, what: string): void {
	const decision = checkAccess(user?.tier ?? null, required);
	if (decision.allowed) return;
	const offer = manifest.course.tiers.find((t) => t.id === required);
	const details = {
		requiredTier: required,
		yourTier: user?.tier ?? null,
		upgrade: offer ? upgradeOffer(offer) : null,
	};
	if (decision.reason === 'sign_in_required') {
		throw new ApiError(
			401,
			'sign_in_required',
			`${what} is part of ${tierName(manifest.course.tiers, required)}: sign in with an account that includes it.`,
			details,
		);
	}
	const yours = tierName(manifest.course.tiers, user?.tier ?? 'free');
	throw new ApiError(
		403,
		'upgrade_required',
		`${what} needs the ${tierName(manifest.course.tiers, required)} tier; yours is ${yours}.`,
		details,
	);
}

/** Who made a tier change or an admin action, in words: the administrator's name, or where an automatic change came from. */
export function describeActor(actor: string, person: { name: string; email: string } | null): string {
	if (person) return `${person.name} (${person.email})`;
	if (actor === 'billing') return 'Billing';
	if (actor === 'cli') return 'The command line';
	return 'An administrator whose account was deleted';
}
