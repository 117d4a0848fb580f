/**
 * Playwright's webServer: the production server (scripts/serve.ts) on a brand-new embedded
 * database in a fresh temporary directory, removed when the server exits. Each run starts
 * from the demo seed only, and a directory left over by a killed run is never reused.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dist = process.env.DIST_DIR ?? 'dist';
if (!existsSync(path.join(dist, 'server', 'entry.mjs'))) {
	console.error(`No build in ${dist}: run \`npm run build\` (or \`npx astro build\`) before \`npm run test:e2e\`.`);
	process.exit(1);
}
const root = mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-'));
process.env.DATA_DIR = path.join(root, 'pglite');
// serve.ts ends with process.exit() after closing the database; 'exit' handlers still run then.
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
await import('../../scripts/serve.ts');
