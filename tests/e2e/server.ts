/**
 * Playwright's webServer: builds the demo fixture course when its build is stale
 * (tests/helpers/fixture-build.ts), then runs the production server (scripts/serve.ts, as the build compiled it) on that build
 * with a brand-new embedded database in a fresh temporary directory, removed when the server exits.
 * Each run starts from the demo seed only, and a directory left over by a killed run is never reused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTestBuild } from '../helpers/fixture-build.ts';

try {
	process.env.DIST_DIR = ensureTestBuild();
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
process.env.PRIVATE_CONTENT_DIR = path.join(process.env.DIST_DIR, 'private');
const root = mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-'));
process.env.DATA_DIR = path.join(root, 'pglite');
// serve.ts ends with process.exit() after closing the database; 'exit' handlers still run then.
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
await import('../../scripts/run-server.mjs');
