/** The paywall's words, one definition for the paywall itself and for locked search results. */
import { tierName } from '../domain/tiers.ts';
import type { CoursePublic } from './schemas.ts';

export type LockReason = 'sign_in_required' | 'upgrade_required';

/** "This chapter is part of Premium". */
export function lockedTitle(course: Pick<CoursePublic, 'tiers'>, tier: string, what: 'chapter' | 'quiz' = 'chapter'): string {
	return `This ${what} is part of ${tierName(course.tiers, tier)}`;
}

/** What the learner can do about it: sign in, or upgrade. */
export function lockedSentence(course: Pick<CoursePublic, 'tiers'>, tier: string, title: string, reason: LockReason): string {
	const name = tierName(course.tiers, tier);
	return reason === 'sign_in_required'
		? `Sign in with a ${name} account to read “${title}”, or create a free account and upgrade.`
		: `Your current plan does not include “${title}”. Upgrade to ${name} to read it.`;
}
