import { describe, expect, it } from 'vitest';
import { checkAccess, requiredTierForChapter } from '../../../src/domain/access.ts';
import { TIERS } from '../../../src/domain/tiers.ts';

describe('requiredTierForChapter', () => {
	it('makes the first N chapters free and the rest premium', () => {
		expect(requiredTierForChapter({ position: 1 }, 3)).toBe('free');
		expect(requiredTierForChapter({ position: 3 }, 3)).toBe('free');
		expect(requiredTierForChapter({ position: 4 }, 3)).toBe('premium');
	});

	it('treats freeChapters 0 as "nothing free by default"', () => {
		expect(requiredTierForChapter({ position: 1 }, 0)).toBe('premium');
	});

	it('lets an explicit tier win in both directions', () => {
		expect(requiredTierForChapter({ position: 1, tier: 'pro' }, 3)).toBe('pro');
		expect(requiredTierForChapter({ position: 9, tier: 'free' }, 3)).toBe('free');
		expect(requiredTierForChapter({ position: 2, tier: 'team' }, 3)).toBe('team');
	});
});

describe('checkAccess', () => {
	it('opens free content to everyone, including anonymous readers', () => {
		for (const user of [null, ...TIERS]) {
			expect(checkAccess(user, 'free')).toEqual({ allowed: true, requiredTier: 'free', reason: 'free_content' });
		}
	});

	it('asks anonymous readers to sign in for any paid content', () => {
		for (const required of ['premium', 'pro', 'team'] as const) {
			expect(checkAccess(null, required)).toEqual({ allowed: false, requiredTier: required, reason: 'sign_in_required' });
		}
	});

	it('allows equal or higher tiers', () => {
		expect(checkAccess('premium', 'premium')).toEqual({ allowed: true, requiredTier: 'premium', reason: 'tier_ok' });
		expect(checkAccess('team', 'premium')).toEqual({ allowed: true, requiredTier: 'premium', reason: 'tier_ok' });
		expect(checkAccess('pro', 'pro').allowed).toBe(true);
	});

	it('asks signed-in readers with a lower tier to upgrade', () => {
		expect(checkAccess('free', 'premium')).toEqual({ allowed: false, requiredTier: 'premium', reason: 'upgrade_required' });
		expect(checkAccess('premium', 'pro')).toEqual({ allowed: false, requiredTier: 'pro', reason: 'upgrade_required' });
		expect(checkAccess('pro', 'team').reason).toBe('upgrade_required');
	});

	it('composes with requiredTierForChapter', () => {
		const required = requiredTierForChapter({ position: 5 }, 3);
		expect(checkAccess('free', required).reason).toBe('upgrade_required');
		expect(checkAccess('premium', required).allowed).toBe(true);
	});
});
