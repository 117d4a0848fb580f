/**
 * Every link, image and link definition in a chapter goes through the compiler's resolver (on
 * `file.data.resolveReference`): relative `.md` links become site URLs, images become published
 * assets with their size, and problems are reported with the line. Records where each rewritten
 * URL sits in the source, so the markdown handed to ChatGPT can carry absolute URLs.
 */
import type { Definition, Image, Link, Root } from 'mdast';
import type { VFile } from 'vfile';
import { visit } from 'unist-util-visit';

export type ReferenceKind = 'link' | 'image' | 'definition';

export interface Reference {
	kind: ReferenceKind;
	/** The URL as parsed from the markdown. */
	url: string;
	/** 1-based line in the rendered text. */
	line: number | undefined;
}

export interface ResolvedReference {
	/** URL for the site's pages, root-relative (`/chapters/proofing/#signs`). */
	href: string;
	/** URL for text read outside the site (JSON for ChatGPT, search passages). */
	absolute: string;
	width?: number;
	height?: number;
}

/** A rewritten URL's place in the source: `[start, end)` character offsets. */
export interface SourceRewrite {
	start: number;
	end: number;
	url: string;
}

declare module 'vfile' {
	interface DataMap {
		resolveReference: (reference: Reference) => Promise<ResolvedReference | null>;
		rewrites: SourceRewrite[];
	}
}

export function remarkReferences() {
	return async (tree: Root, file: VFile) => {
		const resolve = file.data.resolveReference;
		file.data.rewrites = [];
		if (!resolve) return;
		const nodes: (Link | Image | Definition)[] = [];
		visit(tree, (node) => {
			if (node.type === 'link' || node.type === 'image' || node.type === 'definition') nodes.push(node);
		});
		const source = String(file.value);
		for (const node of nodes) {
			const kind: ReferenceKind = node.type;
			const resolved = await resolve({ kind, url: node.url, line: node.position?.start.line });
			if (!resolved) continue;
			node.url = resolved.href;
			if (node.type === 'image' && resolved.width && resolved.height) {
				node.data = {
					...node.data,
					hProperties: { width: resolved.width, height: resolved.height, loading: 'lazy', decoding: 'async' },
				};
			}
			const range = destinationRange(source, node);
			if (range) file.data.rewrites.push({ ...range, url: resolved.absolute });
		}
	};
}

/** Where the destination of `[text](dest "title")`, `![alt](dest)` or `[id]: dest` is in the source. */
export function destinationRange(source: string, node: Link | Image | Definition): { start: number; end: number } | null {
	const from = node.position?.start.offset;
	const to = node.position?.end.offset;
	if (from === undefined || to === undefined) return null;
	const slice = source.slice(from, to);
	let at: number;
	if (node.type === 'definition') {
		const colon = slice.indexOf(']:');
		if (colon < 0) return null;
		at = colon + 2;
	} else {
		const open = slice.lastIndexOf('](');
		// A reference-style link (`[text][id]`) has no destination of its own: its definition is rewritten.
		if (open < 0 || !slice.endsWith(')')) return null;
		at = open + 2;
	}
	while (at < slice.length && /\s/.test(slice[at] as string)) at++;
	if (slice[at] === '<') {
		const close = slice.indexOf('>', at);
		return close < 0 ? null : { start: from + at + 1, end: from + close };
	}
	let end = at;
	let depth = 0;
	while (end < slice.length) {
		const ch = slice[end] as string;
		if (/\s/.test(ch)) break;
		if (ch === '(') depth++;
		if (ch === ')') {
			if (depth === 0) break;
			depth--;
		}
		end++;
	}
	return end > at ? { start: from + at, end: from + end } : null;
}

/** Applies rewrites (from any order) to `source`. */
export function applyRewrites(source: string, rewrites: readonly SourceRewrite[]): string {
	let out = source;
	for (const r of [...rewrites].sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.url + out.slice(r.end);
	return out;
}
