/**
 * When a graded attempt shows the correct answers. Until the policy allows, the learner sees which
 * answers were wrong, the feedback on what they picked and where the course teaches it — enough to learn,
 * not enough to copy the key into the next attempt.
 */
import type { GradedQuestion } from './grading.ts';

/**
 * `after_pass`: once the learner has passed the quiz. `after_last_attempt`: once the day's attempts are used
 * up (never on a tier without a daily limit). `always`, `never`. Unset: after a pass or the day's last attempt.
 */
export const REVEAL_POLICIES = ['after_pass', 'after_last_attempt', 'always', 'never'] as const;
export type RevealPolicy = (typeof REVEAL_POLICIES)[number];

export interface RevealContext {
	/** This attempt or an earlier one reached the pass mark. */
	passedEver: boolean;
	/** Attempts left today after this one; null on a tier without a daily limit. */
	attemptsLeftToday: number | null;
}

export function answersRevealed(policy: RevealPolicy | undefined, ctx: RevealContext): boolean {
	const lastAttempt = ctx.attemptsLeftToday === 0;
	switch (policy) {
		case 'always':
			return true;
		case 'never':
			return false;
		case 'after_pass':
			return ctx.passedEver;
		case 'after_last_attempt':
			return lastAttempt;
		default:
			return ctx.passedEver || lastAttempt;
	}
}

/** A graded question as the learner may see it: without the correct options or answer and explanation until revealed. */
export type ShownQuestion = Omit<GradedQuestion, 'correctOptions' | 'correctAnswer' | 'explanation'> &
	Partial<Pick<GradedQuestion, 'correctOptions' | 'correctAnswer' | 'explanation'>>;

export function shownQuestion(question: GradedQuestion, revealed: boolean): ShownQuestion {
	if (revealed) return question;
	const { correctOptions: _c, correctAnswer: _a, explanation: _e, ...rest } = question;
	return rest;
}
