/**
 * Parts of a course (course.yaml `parts:`): what a chapter page's sidebar groups chapters by, so a long
 * course does not repeat every chapter on every page. Pure: the compiler checks them, the sidebar reads them.
 */
import { didYouMean } from './suggest.ts';

/** A course longer than this gets parts of AUTO_PART_SIZE chapters when its author declares none. */
export const AUTO_PARTS_ABOVE = 60;
export const AUTO_PART_SIZE = 50;

export interface CoursePart {
	title: string;
	/** Id of the part's first chapter. */
	from: string;
	chapterCount: number;
}

export interface PartProblem {
	/** Index into the declared parts. */
	index: number;
	message: string;
}

/** The course's parts from the declared ones (checked against the chapter ids in reading order), or automatic ones for a long course. */
export function courseParts(
	declared: readonly { title: string; from: string }[],
	chapterIds: readonly string[],
): { parts: CoursePart[]; problems: PartProblem[] } {
	if (declared.length === 0) {
		if (chapterIds.length <= AUTO_PARTS_ABOVE) return { parts: [], problems: [] };
		const parts: CoursePart[] = [];
		for (let i = 0; i < chapterIds.length; i += AUTO_PART_SIZE) {
			const count = Math.min(AUTO_PART_SIZE, chapterIds.length - i);
			parts.push({ title: `Chapters ${i + 1}–${i + count}`, from: chapterIds[i] as string, chapterCount: count });
		}
		return { parts, problems: [] };
	}
	const position = new Map(chapterIds.map((id, i) => [id, i]));
	const problems: PartProblem[] = [];
	const starts: number[] = [];
	declared.forEach((part, index) => {
		const at = position.get(part.from);
		if (at === undefined) {
			problems.push({ index, message: `no chapter has the id "${part.from}"${didYouMean(part.from, chapterIds)}` });
			return;
		}
		const before = starts[starts.length - 1];
		if (index === 0 && at !== 0) {
			problems.push({
				index,
				message: `the first part must start at the first chapter, "${chapterIds[0]}": chapters before it would be in no part`,
			});
		} else if (before !== undefined && at <= before) {
			problems.push({ index, message: `"${part.from}" comes before the start of the previous part: list parts in reading order` });
		}
		starts.push(at);
	});
	if (problems.length > 0) return { parts: [], problems };
	const parts = declared.map((part, i) => ({
		title: part.title,
		from: part.from,
		chapterCount: (starts[i + 1] ?? chapterIds.length) - (starts[i] as number),
	}));
	return { parts, problems };
}

export interface SidebarPart<T> {
	title: string;
	/** The part's first chapter, where its title links to. */
	first: T;
	/** Position of the part's first and last chapter (1-based, for "12–40"). */
	range: [number, number];
	/** The part's chapters when it holds the current chapter; otherwise null (only the title is shown). */
	chapters: T[] | null;
}

/** The sidebar of the page of `currentId`: every part's title, the chapters of the current part only. Null when the course has no parts. */
export function sidebarParts<T extends { id: string }>(
	parts: readonly CoursePart[],
	chapters: readonly T[],
	currentId: string,
): SidebarPart<T>[] | null {
	if (parts.length === 0) return null;
	let start = 0;
	return parts.map((part) => {
		const members = chapters.slice(start, start + part.chapterCount);
		const range: [number, number] = [start + 1, start + members.length];
		start += part.chapterCount;
		const current = members.some((c) => c.id === currentId);
		return { title: part.title, first: members[0] as T, range, chapters: current ? members : null };
	});
}
