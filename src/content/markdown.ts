/**
 * Markdown → HTML for chapters: GFM, smart quotes, Starlight-style asides, GitHub heading ids with
 * anchor links, Prism-highlighted code blocks with titles and marked lines, and every link and image
 * resolved by the compiler. Plus splitting a chapter body into sections for the JSON and search.
 */
import type { Nodes as HastNodes, Root as HastRoot } from 'hast';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { remarkAsides } from './markdown/asides.ts';
import { rehypeCodeBlocks } from './markdown/code-blocks.ts';
import { type Heading, rehypeHeadings, SECTION_DEPTHS } from './markdown/headings.ts';
import type { MarkdownProblem } from './markdown/problems.ts';
import { applyRewrites, type Reference, type ResolvedReference, remarkReferences } from './markdown/references.ts';
import { remarkTypography } from './markdown/typography.ts';

export type { Heading } from './markdown/headings.ts';
export type { MarkdownProblem } from './markdown/problems.ts';
export type { Reference, ResolvedReference } from './markdown/references.ts';

/** Raw HTML an author wrote in the markdown, which remark-rehype carries as `raw` nodes for rehype-raw to parse. */
function hasRawHtml(node: HastNodes): boolean {
	if (node.type === 'raw') return true;
	return 'children' in node && node.children.some((child) => hasRawHtml(child));
}

/**
 * rehype-raw re-parses the whole tree through an HTML parser, about a sixth of a long course's compile; a chapter
 * without raw HTML (most) gives it nothing to parse, and the same HTML comes out without it.
 */
function rehypeRawWhereWritten() {
	const raw = rehypeRaw();
	return (tree: HastRoot, file: VFile) => (hasRawHtml(tree) ? raw(tree, file) : tree);
}

const processor = unified()
	.use(remarkParse)
	.use(remarkGfm)
	.use(remarkTypography)
	.use(remarkDirective)
	.use(remarkAsides)
	.use(remarkReferences)
	.use(remarkRehype, { allowDangerousHtml: true })
	// Before rehype-raw, which rebuilds the tree and drops the code block's `meta` (title, marked lines).
	.use(rehypeCodeBlocks)
	.use(rehypeRawWhereWritten)
	.use(rehypeHeadings)
	.use(rehypeStringify)
	.freeze();

export interface RenderedMarkdown {
	html: string;
	headings: Heading[];
	/** The source with every resolved link and image replaced by its absolute URL. */
	absoluteSource: string;
	problems: MarkdownProblem[];
}

export async function renderMarkdown(
	markdown: string,
	resolveReference?: (reference: Reference) => Promise<ResolvedReference | null>,
): Promise<RenderedMarkdown> {
	const file = new VFile({ value: markdown });
	if (resolveReference) file.data.resolveReference = resolveReference;
	const html = String(await processor.process(file));
	return {
		html,
		headings: file.data.headings ?? [],
		absoluteSource: applyRewrites(markdown, file.data.rewrites ?? []),
		problems: file.data.problems ?? [],
	};
}

export type SectionDepth = 1 | (typeof SECTION_DEPTHS)[number];

export interface RawSection {
	depth: SectionDepth;
	/** Heading as written in markdown (empty for the introduction). */
	heading: string;
	markdown: string;
	/** 1-based line in the body where the section starts. */
	line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Splits a markdown body at `##`, `###` and `####` headings, ignoring lines inside fenced code. */
export function splitSections(body: string): RawSection[] {
	const sections: RawSection[] = [{ depth: 1, heading: '', markdown: '', line: 1 }];
	let fence: string | null = null;
	const lines = body.split('\n');
	lines.forEach((line, index) => {
		const inCode = fence !== null;
		fence = fenceAfter(line, fence);
		const heading = inCode || fence !== null ? null : HEADING.exec(line);
		const level = heading?.[1]?.length ?? 0;
		if (heading && (SECTION_DEPTHS as readonly number[]).includes(level)) {
			sections.push({ depth: level as SectionDepth, heading: heading[2] ?? '', markdown: '', line: index + 1 });
			return;
		}
		const current = sections[sections.length - 1] as RawSection;
		current.markdown += `${line}\n`;
	});
	for (const section of sections) section.markdown = section.markdown.trim();
	return sections.filter((s) => s.depth !== 1 || s.markdown.length > 0);
}

/**
 * The open fence marker after `line`, given the one before it (null outside code). Only a marker of the same
 * character and at least the same length closes a fence, so a ```` block can show ``` examples.
 */
function fenceAfter(line: string, fence: string | null): string | null {
	const marker = FENCE.exec(line)?.[1];
	if (!marker) return fence;
	if (fence === null) return marker;
	return marker[0] === fence[0] && marker.length >= fence.length ? null : fence;
}

/** Lines that start an ATX heading of level 1 (`# `), outside fenced code. */
export function topLevelHeadingLines(body: string): number[] {
	const found: number[] = [];
	let fence: string | null = null;
	body.split('\n').forEach((line, index) => {
		const inCode = fence !== null;
		fence = fenceAfter(line, fence);
		if (!inCode && fence === null && /^ {0,3}#(?:\s|$)/.test(line)) found.push(index + 1);
	});
	return found;
}

/** Splits text longer than `max` characters at paragraph boundaries, never inside a code fence. */
export function splitLongText(text: string, max: number): string[] {
	if (text.length <= max) return [text];
	const blocks: string[] = [];
	let current = '';
	let inFence = false;
	for (const paragraph of text.split(/\n\n/)) {
		const fences = paragraph.match(/^\s{0,3}(```|~~~)/gm)?.length ?? 0;
		const candidate = current ? `${current}\n\n${paragraph}` : paragraph;
		if (!inFence && current && candidate.length > max) {
			blocks.push(current);
			current = paragraph;
		} else {
			current = candidate;
		}
		if (fences % 2 === 1) inFence = !inFence;
	}
	if (current) blocks.push(current);
	// A single paragraph longer than `max` (a wall of text) is cut between sentences, else between words.
	return blocks.flatMap((block) => (block.length > max && !/^\s{0,3}(```|~~~)/m.test(block) ? cutProse(block, max) : [block]));
}

function cutProse(text: string, max: number): string[] {
	const pieces: string[] = [];
	let rest = text;
	while (rest.length > max) {
		const window = rest.slice(0, max + 1);
		const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '));
		const space = window.lastIndexOf(' ');
		const cut = sentence > max / 2 ? sentence + 1 : space > max / 2 ? space : max;
		pieces.push(rest.slice(0, cut).trimEnd());
		rest = rest.slice(cut).trimStart();
	}
	if (rest) pieces.push(rest);
	return pieces;
}

export function countWords(markdown: string): number {
	return markdown
		.replace(/(```|~~~)[\s\S]*?\1/g, ' ')
		.split(/\s+/)
		.filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
