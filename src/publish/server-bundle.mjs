/**
 * Where a build keeps the production server compiled to JavaScript (src/publish/bundle-server.ts). Plain
 * JavaScript, so the launchers (scripts/run-server.mjs, scripts/start.mjs) find it without loading Node's
 * TypeScript stripper, which stays in memory once loaded (docs/decisions/0040-compact-index-and-compiled-server.md).
 */
import path from 'node:path';

/** The build's output directory: dist/, or DIST_DIR (the tests and benches serve other builds). */
export function distDir() {
	return path.resolve(process.env.DIST_DIR ?? 'dist');
}

/**
 * The compiled server's entry inside a build's output directory.
 * @param {string} dist
 * @returns {string}
 */
export function serverBundleEntry(dist) {
	return path.join(dist, 'serve', 'serve.mjs');
}
