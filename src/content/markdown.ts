/**
 * Markdown → HTML with Astro's own pipeline (GFM, heading ids via github-slugger, Prism classes),
 * plus splitting a chapter body into `##`/`###` sections for the JSON and the search index.
 */
import { createMarkdownProcessor, type MarkdownHeading } from '@astrojs/markdown-remark';

type Renderer = Awaited<ReturnType<typeof createMarkdownProcessor>>;
let renderer: Promise<Renderer> | undefined;

/** Prism emits classes, not inline styles, so pages satisfy a strict Content-Security-Policy. */
function getRenderer(): Promise<Renderer> {
	renderer ??= createMarkdownProcessor({ syntaxHighlight: { type: 'prism' } });
	return renderer;
}

export async function renderMarkdown(markdown: string): Promise<{ html: string; headings: MarkdownHeading[] }> {
	const result = await (await getRenderer()).render(markdown);
	return { html: result.code, headings: result.metadata.headings };
}

export interface RawSection {
	depth: 1 | 2 | 3;
	/** Heading as written in markdown (empty for the introduction). */
	heading: string;
	markdown: string;
	/** 1-based line in the body where the section starts. */
	line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Splits a markdown body at `##` and `###` headings, ignoring lines inside fenced code. */
export function splitSections(body: string): RawSection[] {
	const sections: RawSection[] = [{ depth: 1, heading: '', markdown: '', line: 1 }];
	let fence: string | null = null;
	const lines = body.split('\n');
	lines.forEach((line, index) => {
		fence = fenceAfter(line, fence);
		const heading = fence === null ? HEADING.exec(line) : null;
		const level = heading?.[1]?.length;
		if (heading && (level === 2 || level === 3)) {
			sections.push({ depth: level, heading: heading[2] ?? '', markdown: '', line: index + 1 });
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
	return blocks;
}

export function countWords(markdown: string): number {
	return markdown
		.replace(/(```|~~~)[\s\S]*?\1/g, ' ')
		.split(/\s+/)
		.filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
