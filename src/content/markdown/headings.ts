/**
 * Heading ids (GitHub's slugs, so `#signs-of-overproofing` works on GitHub and on the site) and a
 * Starlight-style anchor link after every `##`–`####` heading. Collects the headings for the
 * on-page contents, the JSON and the link check.
 */
import GithubSlugger from 'github-slugger';
import type { Element, ElementContent, Root } from 'hast';
import type { VFile } from 'vfile';
import { SKIP, visit } from 'unist-util-visit';

import type { Heading } from '../schemas.ts';

export type { Heading };

declare module 'vfile' {
	interface DataMap {
		headings: Heading[];
	}
}

const HEADING = /^h([1-6])$/;
/** Levels that are sections of the chapter, get an anchor link and appear in the on-page contents. */
export const SECTION_DEPTHS = [2, 3, 4] as const;

export function textOf(node: ElementContent | Element): string {
	if (node.type === 'text') return node.value;
	if (node.type === 'element') return node.children.map(textOf).join('');
	return '';
}

export function rehypeHeadings() {
	return (tree: Root, file: VFile) => {
		const slugger = new GithubSlugger();
		const headings: Heading[] = [];
		visit(tree, 'element', (node, index, parent) => {
			const level = HEADING.exec(node.tagName)?.[1];
			if (!level) return;
			const depth = Number(level);
			const text = textOf(node).trim();
			const anchor = typeof node.properties.id === 'string' ? node.properties.id : slugger.slug(text);
			node.properties.id = anchor;
			headings.push({ depth, anchor, text });
			if (!(SECTION_DEPTHS as readonly number[]).includes(depth) || !parent || index === undefined) return SKIP;
			const wrapper: Element = {
				type: 'element',
				tagName: 'div',
				properties: { className: ['heading-wrapper', `level-${node.tagName}`] },
				children: [node, anchorLink(anchor, text)],
			};
			parent.children[index] = wrapper;
			return SKIP;
		});
		file.data.headings = headings;
	};
}

function anchorLink(anchor: string, text: string): Element {
	return {
		type: 'element',
		tagName: 'a',
		properties: { className: ['heading-anchor'], href: `#${anchor}`, dataPagefindIgnore: '' },
		children: [
			{ type: 'element', tagName: 'span', properties: { ariaHidden: 'true' }, children: [{ type: 'text', value: '#' }] },
			{
				type: 'element',
				tagName: 'span',
				properties: { className: ['visually-hidden'] },
				children: [{ type: 'text', value: `Section titled “${text}”` }],
			},
		],
	};
}
