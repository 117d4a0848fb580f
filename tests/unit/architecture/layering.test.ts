/**
 * The layers' import rules (docs/decisions/0008-layers.md): data flows content → build → server, and
 * pure rules stay pure. Fails on any import that crosses a boundary, naming the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

interface Edge {
	file: string;
	specifier: string;
	/** The layer (first folder under src/) the import resolves to, or the package name. */
	target: string;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile() && /\.(ts|mts|astro)$/.test(e.name) && !e.name.endsWith('.d.ts'))
		.map((e) => path.join(e.parentPath, e.name));
}

function layerOf(absPath: string): string {
	const rel = path.relative(SRC, absPath);
	return rel.startsWith('..') ? '(outside src)' : (rel.split(path.sep)[0] as string).replace(/\.(ts|astro)$/, '');
}

function edges(layer: string): Edge[] {
	return sourceFiles(path.join(SRC, layer)).flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => {
			const specifier = m[1] as string;
			const target = specifier.startsWith('.') ? layerOf(path.resolve(path.dirname(file), specifier)) : specifier;
			return { file: path.relative(SRC, file), specifier, target };
		}),
	);
}

const show = (list: Edge[]) => list.map((e) => `${e.file} imports ${e.specifier}`);

describe('layering', () => {
	it('finds the imports it judges (a check that sees nothing proves nothing)', () => {
		expect(edges('server').length).toBeGreaterThan(100);
		expect(edges('content').some((e) => e.target === 'domain')).toBe(true);
	});

	it('domain/ is pure: it imports only itself — no project I/O, no Node built-ins, no packages', () => {
		expect(show(edges('domain').filter((e) => e.target !== 'domain'))).toEqual([]);
	});

	it('content/ (the compiler) never imports search/, server/, pages/ or components/', () => {
		expect(show(edges('content').filter((e) => ['search', 'server', 'pages', 'components', 'layouts'].includes(e.target)))).toEqual([]);
	});

	it('search/ never imports server/, pages/ or components/', () => {
		expect(show(edges('search').filter((e) => ['server', 'pages', 'components', 'layouts'].includes(e.target)))).toEqual([]);
	});

	it('server/ never imports pages/, components/ or layouts/', () => {
		expect(show(edges('server').filter((e) => ['pages', 'components', 'layouts'].includes(e.target)))).toEqual([]);
	});

	it('nothing under src/ imports a test file or a script', () => {
		const all = ['content', 'domain', 'search', 'server', 'pages', 'components', 'layouts', 'publish', 'chatgpt'].flatMap(edges);
		expect(show(all.filter((e) => e.target === '(outside src)' && !e.specifier.endsWith('.css')))).toEqual([]);
	});
});
