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
