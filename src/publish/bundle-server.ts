/**
 * `astro build` compiles the production server (scripts/serve.ts and the src/ modules it imports) to JavaScript
 * in the build's output (server-bundle.mjs), packages left as imports from node_modules. Running a .ts file makes
 * Node load its TypeScript stripper (swc as WebAssembly), which held 15–20 MB of the server's memory for as long
 * as it ran (docs/decisions/0040-compact-index-and-compiled-server.md).
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_TEMPLATE } from '../server/db/pglite-cluster.ts';
import { serverBundleEntry } from './server-bundle.mjs';

/** A package (or node: builtin) stays an import; our own modules, relative or absolute, are compiled in. */
const isPackage = (id: string) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');

/** Compiles `source` into `<dist>/serve/`; returns the entry's path. */
export async function bundleServer(dist: string, source = path.resolve('scripts/serve.ts')): Promise<string> {
	const { rolldown } = await import('rolldown');
	const entry = serverBundleEntry(dist);
	const outDir = path.dirname(entry);
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	// pglite-cluster.ts finds the shipped cluster next to itself (import.meta.url): next to the chunks, once compiled.
	// Copied first: the entry, written last, is what marks a finished build (scripts/start.mjs).
	for (const file of Object.values(CLUSTER_TEMPLATE)) copyFileSync(file, path.join(outDir, path.basename(file)));
	const bundle = await rolldown({
		input: source,
		platform: 'node',
		external: isPackage,
		onLog(level, log, handler) {
			// A module imported both ways stays in its chunk: what Node would do with the sources too.
			if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
			handler(level, log);
		},
	});
	try {
		// Source maps beside the chunks: `NODE_OPTIONS=--enable-source-maps` turns stack traces back into src/ lines.
		await bundle.write({
			dir: outDir,
			format: 'esm',
			entryFileNames: path.basename(entry),
			chunkFileNames: '[name]-[hash].mjs',
			sourcemap: true,
		});
	} finally {
		await bundle.close();
	}
	return entry;
}
