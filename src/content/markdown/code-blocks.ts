/**
 * Fenced code the way Starlight's Expressive Code writes it, with Prism's classes so the strict
 * Content-Security-Policy holds (no inline styles): ```` ```py title="hydration.py" {2,4-5} ins={7} del={8} ````
 * gives a file title, marked lines and a copy button (public/code-copy.js enables it).
 */
import type { Element, ElementContent, Root, Text } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import Prism from 'prismjs';
import loadLanguages from 'prismjs/components/index.js';
import type { VFile } from 'vfile';
import { SKIP, visit } from 'unist-util-visit';
import { reportProblem } from './problems.ts';

export interface CodeMeta {
	title?: string;
	mark: Set<number>;
	ins: Set<number>;
	del: Set<number>;
}

/** Parses the text after the language: `title="x"`, `{1,3-5}` (marked), `mark={…}`, `ins={…}`, `del={…}`. */
export function parseCodeMeta(meta: string | null | undefined): CodeMeta & { unknown: string[] } {
	const out: CodeMeta & { unknown: string[] } = { mark: new Set(), ins: new Set(), del: new Set(), unknown: [] };
	const rest = (meta ?? '').replace(
		/\b(title|mark|ins|del)=(?:"([^"]*)"|'([^']*)'|\{([^}]*)\})|\{([^}]*)\}/g,
		(_m, key, dq, sq, braces, bare) => {
			if (key === 'title') out.title = dq ?? sq ?? braces;
			else {
				const target = key === 'ins' ? out.ins : key === 'del' ? out.del : out.mark;
				for (const n of lineRanges(braces ?? bare ?? dq ?? sq ?? '')) target.add(n);
			}
			return ' ';
		},
	);
	out.unknown = rest.split(/\s+/).filter(Boolean);
	return out;
}

function lineRanges(spec: string): number[] {
	const lines: number[] = [];
	for (const part of spec.split(',')) {
		const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
		if (!m) continue;
		const from = Number(m[1]);
		const to = Number(m[2] ?? m[1]);
		for (let n = from; n <= Math.min(to, from + 10_000); n++) lines.push(n);
	}
	return lines;
}

const loaded = new Set<string>();
function grammarFor(language: string): Prism.Grammar | undefined {
	if (!loaded.has(language)) {
		loaded.add(language);
		// loadLanguages logs a warning for unknown names; such blocks render as plain text.
		const warn = console.warn;
		console.warn = () => {};
		try {
			loadLanguages([language]);
		} finally {
			console.warn = warn;
		}
	}
	return Prism.languages[language];
}

const PLAIN = new Set(['', 'text', 'txt', 'plain', 'plaintext']);

export function rehypeCodeBlocks() {
	return (tree: Root, file: VFile) => {
		visit(tree, 'element', (node, index, parent) => {
			if (node.tagName !== 'pre' || !parent || index === undefined) return;
			const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
			if (!code) return;
			const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : [];
			const language = (classes.find((c) => c.startsWith('language-')) ?? '').slice('language-'.length);
			const meta = parseCodeMeta((code.data as { meta?: string } | undefined)?.meta);
			if (meta.unknown.length > 0) {
				reportProblem(
					file,
					node,
					`code block: unknown option ${meta.unknown.map((u) => `"${u}"`).join(', ')}; use title="name.ext", {1,3-5}, ins={…} or del={…}`,
					'warning',
				);
			}
			const source = textOfCode(code).replace(/\n$/, '');
			const grammar = PLAIN.has(language) ? undefined : grammarFor(language);
			const highlighted: ElementContent[] = grammar
				? (fromHtml(Prism.highlight(source, grammar, language), { fragment: true }).children as ElementContent[])
				: [{ type: 'text', value: source }];
			const lines = splitLines(highlighted).map((children, i) => {
				const n = i + 1;
				const className = [
					'line',
					...(meta.mark.has(n) ? ['mark'] : []),
					...(meta.ins.has(n) ? ['ins'] : []),
					...(meta.del.has(n) ? ['del'] : []),
				];
				return { type: 'element', tagName: 'span', properties: { className }, children } satisfies Element;
			});
			const languageClass = `language-${language || 'text'}`;
			const pre: Element = {
				type: 'element',
				tagName: 'pre',
				// Code scrolls sideways: tabindex lets keyboard users scroll it (WCAG 2.1.1).
				properties: { className: [languageClass], tabIndex: 0, dataLanguage: language || 'text' },
				children: [
					{
						type: 'element',
						tagName: 'code',
						properties: { className: [languageClass] },
						children: lines.flatMap((line, i) => (i === 0 ? [line] : [{ type: 'text', value: '\n' } satisfies Text, line])),
					},
				],
			};
			const figure: Element = {
				type: 'element',
				tagName: 'figure',
				properties: { className: ['code-block'] },
				children: [
					...(meta.title
						? [
								{
									type: 'element',
									tagName: 'figcaption',
									properties: { className: ['code-title'] },
									children: [{ type: 'text', value: meta.title }],
								} satisfies Element,
							]
						: []),
					pre,
					{
						type: 'element',
						tagName: 'button',
						properties: { type: 'button', className: ['code-copy'], dataCopyCode: '', hidden: true, dataPagefindIgnore: '' },
						children: [{ type: 'text', value: 'Copy' }],
					},
				],
			};
			parent.children[index] = figure;
			return SKIP;
		});
	};
}

function textOfCode(node: ElementContent): string {
	if (node.type === 'text') return node.value;
	if (node.type === 'element') return node.children.map(textOfCode).join('');
	return '';
}

/**
 * Splits highlighted nodes into lines. A token that spans lines (a block comment, a template string)
 * is cut and its span repeated on each line, so every line is a well-formed element of its own.
 */
export function splitLines(nodes: ElementContent[]): ElementContent[][] {
	const lines: ElementContent[][] = [[]];
	const walk = (node: ElementContent, wrap: (child: ElementContent) => ElementContent): void => {
		if (node.type === 'text') {
			node.value.split('\n').forEach((piece, i) => {
				if (i > 0) lines.push([]);
				if (piece) (lines[lines.length - 1] as ElementContent[]).push(wrap({ type: 'text', value: piece }));
			});
		} else if (node.type === 'element') {
			const shallow = (child: ElementContent): ElementContent => wrap({ ...node, children: [child] });
			for (const child of node.children) walk(child, shallow);
		}
	};
	for (const node of nodes) walk(node, (child) => child);
	return lines;
}
