/** Where a learner is with a chapter, and the words pages use for it (dashboard, chapter status, sidebar). */

export type ChapterState = 'not_started' | 'read' | 'quiz_passed';

export const CHAPTER_STATE_TEXT: Readonly<Record<ChapterState, string>> = {
	not_started: 'Not started',
	read: 'Read',
	quiz_passed: 'Quiz passed',
};
