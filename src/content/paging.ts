/** Long chapter texts are paged so every JSON response stays far below ChatGPT's 100,000-character limit. */

/** Characters of section markdown per page (the rest of a response is small metadata). */
export const CONTENT_PAGE_CHARS = 40_000;

/** Groups sections into pages of at most `maxChars` characters of markdown (a longer section gets a page of its own). */
export function pageSections<T extends { markdown: string }>(sections: T[], maxChars = CONTENT_PAGE_CHARS): T[][] {
	const pages: T[][] = [[]];
	let size = 0;
	for (const section of sections) {
		const current = pages[pages.length - 1] as T[];
		if (current.length > 0 && size + section.markdown.length > maxChars) {
			pages.push([section]);
			size = section.markdown.length;
		} else {
			current.push(section);
			size += section.markdown.length;
		}
	}
	return pages;
}
