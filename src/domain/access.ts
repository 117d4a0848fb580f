import { type Tier, tierAtLeast } from './tiers.ts';

export type AccessReason = 'free_content' | 'tier_ok' | 'sign_in_required' | 'upgrade_required';

export interface AccessDecision {
	allowed: boolean;
	requiredTier: Tier;
	reason: AccessReason;
}

/**
 * The tier a chapter needs: the one rule for "the first N chapters are free". An explicit `tier` in
 * the chapter's frontmatter always wins (so an author can lock an early chapter or free a late one);
 * otherwise the first `freeChapters` chapters by reading position (1-based, whatever their `order`
 * values) are free and the rest are premium.
 */
export function requiredTierForChapter(chapter: { position: number; tier?: Tier | undefined }, freeChapters: number): Tier {
	if (chapter.tier !== undefined) return chapter.tier;
	return chapter.position <= freeChapters ? 'free' : 'premium';
}

/**
 * Whether a reader may open content that needs `required`. `userTier` null means anonymous.
 * Free content is open to everyone; for anything else an anonymous reader is told to sign in
 * (not to upgrade), because they may already hold a paid plan on their account.
 */
export function checkAccess(userTier: Tier | null, required: Tier): AccessDecision {
	if (required === 'free') return { allowed: true, requiredTier: required, reason: 'free_content' };
	if (userTier === null) return { allowed: false, requiredTier: required, reason: 'sign_in_required' };
	if (tierAtLeast(userTier, required)) return { allowed: true, requiredTier: required, reason: 'tier_ok' };
	return { allowed: false, requiredTier: required, reason: 'upgrade_required' };
}
