/**
 * Starlight-style asides: `:::note`, `:::tip`, `:::caution`, `:::danger`, with an optional title
 * (`:::tip[Baker's shortcut]`), closed by `:::`. Parsed by remark-directive; other directives
 * are turned back into the text the author wrote, so "ratio:salt" in prose never disappears.
 */
import type { Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';
import { reportProblem } from './problems.ts';

export const ASIDE_TYPES = { note: 'Note', tip: 'Tip', caution: 'Caution', danger: 'Danger' } as const;
export type AsideType = keyof typeof ASIDE_TYPES;

function isAsideType(name: string): name is AsideType {
	return Object.hasOwn(ASIDE_TYPES, name);
}

export function remarkAsides() {
	return (tree: Root, file: VFile) => {
		visit(tree, (node, index, parent) => {
			if (node.type === 'containerDirective') {
				transformAside(node, file);
				return undefined;
			}
			if ((node.type === 'leafDirective' || node.type === 'textDirective') && parent && index !== undefined) {
				parent.children.splice(index, 1, ...(restoreDirective(node) as never[]));
				// Visit the restored nodes too (a label may hold another directive).
				return index;
			}
			return undefined;
		});
	};
}

function transformAside(node: ContainerDirective, file: VFile): void {
	const first = node.children[0];
	const labelled = first?.type === 'paragraph' && first.data?.directiveLabel === true;
	const label = labelled ? (first as Paragraph).children : undefined;
	if (labelled) node.children.shift();
	if (!isAsideType(node.name)) {
		reportProblem(
			file,
			node,
			`unknown aside ":::${node.name}"; use :::note, :::tip, :::caution or :::danger (close it with a line holding only :::)`,
		);
	}
	const type: AsideType = isAsideType(node.name) ? node.name : 'note';
	const titleChildren: PhrasingContent[] = label?.length ? label : [{ type: 'text', value: ASIDE_TYPES[type] }];
	const title = plainText(titleChildren).trim() || ASIDE_TYPES[type];
	node.data = { hName: 'aside', hProperties: { className: ['aside', `aside-${type}`], ariaLabel: title } };
	const heading: Paragraph = {
		type: 'paragraph',
		data: { hProperties: { className: ['aside-title'] } },
		children: titleChildren,
	};
	node.children.unshift(heading);
}

/** `:name[label]` that is not an aside: the author meant the characters, so give them back. */
function restoreDirective(node: LeafDirective | TextDirective): RootContent[] {
	const prefix = node.type === 'leafDirective' ? '::' : ':';
	const text: PhrasingContent[] = [{ type: 'text', value: `${prefix}${node.name}` }];
	if (node.children.length > 0) text.push({ type: 'text', value: '[' }, ...node.children, { type: 'text', value: ']' });
	const attributes = Object.entries(node.attributes ?? {});
	if (attributes.length > 0) {
		text.push({ type: 'text', value: `{${attributes.map(([k, v]) => (v ? `${k}="${v}"` : k)).join(' ')}}` });
	}
	return node.type === 'leafDirective' ? [{ type: 'paragraph', children: text }] : (text as RootContent[]);
}

function plainText(nodes: readonly PhrasingContent[]): string {
	return nodes.map((n) => ('value' in n ? n.value : 'children' in n ? plainText(n.children as PhrasingContent[]) : '')).join('');
}
