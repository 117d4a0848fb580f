/**
 * The custom GPT's instructions for the built course: docs/chatgpt/instructions.md is a template whose
 * course-specific parts are filled in here, so the text always names the course that is built.
 */

/** ChatGPT's limit for a GPT's Instructions field. */
export const GPT_INSTRUCTIONS_LIMIT = 8000;
/** Caps on the course parts, so every course's instructions fit (the test checks the worst case). */
export const MAX_TITLE_CHARS = 120;
export const MAX_OUTLINE_CHARS = 700;
export const MAX_FREE_CHARS = 120;

export interface InstructionsCourse {
	title: string;
	chapters: readonly { title: string; tier: string }[];
}

function cap(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** "6 chapters: Starter; Flour and Water; …" */
export function courseOutline(chapters: InstructionsCourse['chapters']): string {
	const noun = chapters.length === 1 ? 'chapter' : 'chapters';
	return cap(`${chapters.length} ${noun}: ${chapters.map((c) => c.title).join('; ')}.`, MAX_OUTLINE_CHARS);
}

/** Which chapters are free, by reading position: "Chapters 1-2 are free; the others need a paid tier." */
export function freeChaptersSentence(chapters: InstructionsCourse['chapters']): string {
	const free = chapters.flatMap((c, i) => (c.tier === 'free' ? [i + 1] : []));
	if (free.length === chapters.length) return 'Every chapter is free.';
	if (free.length === 0) return 'Every chapter needs a paid tier.';
	const contiguous = free.every((n, i) => n === i + 1);
	const list = contiguous && free.length > 1 ? `${free[0]}-${free[free.length - 1]}` : free.join(', ');
	return cap(
		`Chapter${free.length > 1 ? 's' : ''} ${list} ${free.length > 1 ? 'are' : 'is'} free; the others need a paid tier.`,
		MAX_FREE_CHARS,
	);
}

/** The template's text below its header comment. */
export function instructionsBody(template: string): string {
	const match = /^<!--[\s\S]*?-->\n/.exec(template);
	return match ? template.slice(match[0].length) : template;
}

export function renderInstructions(template: string, course: InstructionsCourse, origin: string): string {
	const values: Record<string, string> = {
		COURSE_TITLE: cap(course.title, MAX_TITLE_CHARS),
		COURSE_OUTLINE: courseOutline(course.chapters),
		FREE_CHAPTERS: freeChaptersSentence(course.chapters),
		ORIGIN: origin.replace(/\/+$/, ''),
	};
	return instructionsBody(template).replace(
		/\{(COURSE_TITLE|COURSE_OUTLINE|FREE_CHAPTERS|ORIGIN)\}/g,
		(_m, key: string) => values[key] ?? '',
	);
}
