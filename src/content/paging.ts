/**
 * Paging, so every JSON response stays far below ChatGPT's 100,000-character limit: long chapter texts
 * (getChapterContent?page=…) and the course-wide lists (chapters.json, quizzes.json), whose later pages are
 * static files linked by `next`.
 */

/** Characters of section markdown per page (the rest of a response is small metadata). */
export const CONTENT_PAGE_CHARS = 40_000;
/** Characters of list entries (as JSON) per page of chapters.json or quizzes.json: about 150 chapters. */
export const LIST_PAGE_CHARS = 50_000;

/** Groups items into pages of at most `maxChars` by `size` (an item larger than that gets a page of its own); always at least one page. */
export function pageBySize<T>(items: readonly T[], size: (item: T) => number, maxChars: number): T[][] {
	const pages: T[][] = [[]];
	let used = 0;
	for (const item of items) {
		const current = pages[pages.length - 1] as T[];
		const n = size(item);
		if (current.length > 0 && used + n > maxChars) {
			pages.push([item]);
			used = n;
		} else {
			current.push(item);
			used += n;
		}
	}
	return pages;
}

/** Groups sections into pages of at most `maxChars` characters of markdown (a longer section gets a page of its own). */
export function pageSections<T extends { markdown: string }>(sections: T[], maxChars = CONTENT_PAGE_CHARS): T[][] {
	return pageBySize(sections, (s) => s.markdown.length, maxChars);
}

/** The course-wide lists that are paged, and where their pages live. */
export type ListName = 'chapters' | 'quizzes';

/** Page 1 is `/api/v1/<list>.json` (and also `/api/v1/<list>/pages/1.json`); page n is `/api/v1/<list>/pages/<n>.json`. */
export function listPagePath(list: ListName, page: number): string {
	return `/api/v1/${list}/pages/${page}.json`;
}

export interface ListPageLinks {
	page: number;
	pageCount: number;
	/** Path of the next page, or null on the last. */
	next: string | null;
}

/** Splits a list into pages of at most LIST_PAGE_CHARS characters of JSON entries, each with its `page`, `pageCount` and `next` link. */
export function pageList<T>(list: ListName, items: readonly T[], maxChars = LIST_PAGE_CHARS): { items: T[]; links: ListPageLinks }[] {
	const pages = pageBySize(items, (item) => JSON.stringify(item).length + 1, maxChars);
	return pages.map((pageItems, i) => ({
		items: pageItems,
		links: { page: i + 1, pageCount: pages.length, next: i + 1 < pages.length ? listPagePath(list, i + 2) : null },
	}));
}
