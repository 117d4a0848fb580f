/** Subscription tiers, lowest first: the array order IS the ranking used by access checks. */
export const TIERS = ['free', 'premium', 'pro', 'team'] as const;

export type Tier = (typeof TIERS)[number];

/** Position of a tier in TIERS; higher ranks include everything lower ranks can access. */
export function tierRank(tier: Tier): number {
	return TIERS.indexOf(tier);
}

/** True when a learner holding `have` may use something that needs `need`. */
export function tierAtLeast(have: Tier, need: Tier): boolean {
	return tierRank(have) >= tierRank(need);
}

/** Narrows untrusted input (query strings, JSON, database rows) to a known tier. */
export function isTier(x: unknown): x is Tier {
	return typeof x === 'string' && (TIERS as readonly string[]).includes(x);
}

/**
 * What learners call a tier: its `name` in course.yaml ("Beekeeper"), never the internal id. A tier the
 * course does not define (a seeded account's, say) reads as its id with a capital letter.
 */
export function tierName(tiers: readonly { id: string; name: string }[], tier: string): string {
	return tiers.find((t) => t.id === tier)?.name ?? `${tier.charAt(0).toUpperCase()}${tier.slice(1)}`;
}
