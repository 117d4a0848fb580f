/** The one shape of an id an author or a URL gives: chapters, quizzes, questions, options, courses. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isSlug(value: string): boolean {
	return SLUG.test(value);
}
