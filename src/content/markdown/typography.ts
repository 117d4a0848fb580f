/**
 * Smart quotes, dashes and ellipses in prose, exactly as remark-smartypants 3.0.3 writes them (its algorithm,
 * with retext-smartypants' rules), but without running retext where it cannot change a character: that plugin
 * parses the whole text with retext once for quotes and again for every text node for dashes and ellipses,
 * which was half of a chapter's compile (docs/decisions/0032-build-at-scale.md). Code and inline code are
 * untouched; inline code still counts as letters between quotes, so `"x" in code` pairs as before.
 */
import type { Node, Parent } from 'mdast';
import { retext } from 'retext';
import retextSmartypants from 'retext-smartypants';
import { visit } from 'unist-util-visit';

/** First pass, over the chapter's text joined: quotes only (what can change a quote depends on its neighbours across nodes). */
const quotes = retext().use(retextSmartypants, { ellipses: false, dashes: false, backticks: false });
/** Second pass, per text node: dashes, ellipses and double backticks. */
const dashesAndEllipses = retext().use(retextSmartypants, { quotes: false });

const VISITED = new Set(['text', 'inlineCode', 'paragraph', 'heading', 'tableCell']);
/** Blocks whose text starts fresh: a quote at their start opens, so each adds a space to the joined text. */
const BLOCKS = new Set(['paragraph', 'heading', 'tableCell']);

/** Whether the quotes pass could change `text`: only a straight quote can. */
const hasStraightQuote = (text: string) => text.includes('"') || text.includes("'");

/**
 * Whether the second pass could change `text`: retext-smartypants turns `--`, ` `` `, `''`, three or more dots
 * (`...`) and dots separated by white space (`. . .`) into other characters and nothing else. `\u0085` is
 * white space to retext's tokenizer but not to `\s`.
 */
const MAY_CHANGE = /--|``|''|\.[\s\u0085]*\./;

type Literal = Node & { value: string };
const isLiteral = (node: Node): node is Literal => 'value' in node && typeof node.value === 'string';

export function remarkTypography() {
	return (tree: Parent) => {
		let joined = '';
		const nodes: Node[] = [];
		visit(tree, (node, _index, parent) => {
			if (!parent || !VISITED.has(node.type) || !(isLiteral(node) || BLOCKS.has(node.type))) return;
			// Inline code keeps its length as letters: quotes around it pair, its own characters never change.
			if (isLiteral(node)) joined += node.type === 'text' ? node.value : 'A'.repeat(node.value.length);
			else joined += ' ';
			nodes.push(node);
		});
		if (hasStraightQuote(joined)) joined = String(quotes.processSync(joined));
		let start = 0;
		for (const node of nodes) {
			if (!isLiteral(node)) {
				start += 1;
				continue;
			}
			const end = start + node.value.length;
			if (node.type === 'text') {
				const text = joined.slice(start, end);
				node.value = MAY_CHANGE.test(text) ? String(dashesAndEllipses.processSync(text)) : text;
			}
			start = end;
		}
	};
}
