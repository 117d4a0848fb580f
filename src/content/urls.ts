/** The site's URLs for course content: one definition, used by pages, JSON, links and search. */

export function chapterUrl(id: string): string {
	return `/chapters/${id}/`;
}

export function quizUrl(chapterId: string): string {
	return `/quizzes/${chapterId}/`;
}

/** Where a learner starts paying for a tier: signs in if needed, then goes on to the provider's checkout. */
export function checkoutUrl(tier: string): string {
	return `/checkout/${tier}`;
}

/** Where a learner's next step (src/domain/next-step.ts) is done: the chapter to read or its quiz. */
export function nextStepUrl(step: { kind: string; chapterId: string | null }): string {
	if (step.kind === 'review') return '/review';
	if (!step.chapterId) return '/';
	return step.kind === 'take_quiz' || step.kind === 'retake_quiz' ? quizUrl(step.chapterId) : chapterUrl(step.chapterId);
}
