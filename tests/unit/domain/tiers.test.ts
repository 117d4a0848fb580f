import { describe, expect, it } from 'vitest';
import { TIERS, isTier, tierAtLeast, tierRank } from '../../../src/domain/tiers.ts';

describe('tiers', () => {
	it('ranks tiers in declaration order', () => {
		expect(TIERS).toEqual(['free', 'premium', 'pro', 'team']);
		expect(TIERS.map(tierRank)).toEqual([0, 1, 2, 3]);
	});

	it('tierAtLeast compares every pair by rank', () => {
		for (const have of TIERS) {
			for (const need of TIERS) {
				expect(tierAtLeast(have, need), `${have} >= ${need}`).toBe(TIERS.indexOf(have) >= TIERS.indexOf(need));
			}
		}
		expect(tierAtLeast('team', 'pro')).toBe(true);
		expect(tierAtLeast('premium', 'pro')).toBe(false);
		expect(tierAtLeast('free', 'free')).toBe(true);
	});

	it('isTier accepts exactly the known tiers', () => {
		for (const t of TIERS) expect(isTier(t)).toBe(true);
		for (const x of ['', 'Free', 'PREMIUM', 'enterprise', ' free', null, undefined, 0, {}, ['free']]) {
			expect(isTier(x), JSON.stringify(x)).toBe(false);
		}
	});
});
