/** The site's URLs for course content: one definition, used by pages, JSON, links and search. */

export function chapterUrl(id: string): string {
	return `/chapters/${id}/`;
}

export function quizUrl(chapterId: string): string {
	return `/quizzes/${chapterId}/`;
}
