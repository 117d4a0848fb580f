/** The on-page contents: `##` sections with their `###` subsections, and `####` under those. */
import { SECTION_DEPTHS } from './markdown/headings.ts';
import type { Heading } from './schemas.ts';

export interface ContentsItem {
	depth: number;
	anchor: string;
	text: string;
	children: ContentsItem[];
}

export function contentsTree(headings: readonly Heading[]): ContentsItem[] {
	const root: ContentsItem[] = [];
	const stack: ContentsItem[] = [];
	for (const h of headings) {
		if (!(SECTION_DEPTHS as readonly number[]).includes(h.depth)) continue;
		const item: ContentsItem = { depth: h.depth, anchor: h.anchor, text: h.text, children: [] };
		while (stack.length > 0 && (stack[stack.length - 1] as ContentsItem).depth >= h.depth) stack.pop();
		const parent = stack[stack.length - 1];
		(parent ? parent.children : root).push(item);
		stack.push(item);
	}
	return root;
}
