/**
 * `npm start`: builds when the sources are newer than the last build, then runs the production server. Plain
 * JavaScript, as is everything the server process loads (decision 0040).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONTENT_DIR } from '../src/content/content-dir.mjs';
import { serverBundleEntry } from '../src/publish/server-bundle.mjs';

// The compiled server is the build's last step: it is there only when the whole build finished.
const STAMP = serverBundleEntry(path.resolve('dist'));
const SOURCES = ['src', 'scripts/serve.ts', CONTENT_DIR, 'public', 'astro.config.mjs', 'package-lock.json'];

/** @param {string} p @returns {number} */
function newestMtime(p) {
	if (!existsSync(p)) return 0;
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), stat.mtimeMs);
}

const built = existsSync(STAMP) && existsSync('dist/private/manifest.json') ? statSync(STAMP).mtimeMs : 0;
const changed = Math.max(...SOURCES.map(newestMtime));
if (built < changed) {
	console.log(built ? 'Sources changed since the last build: building…' : 'No build yet: building the site…');
	// `npm run build`, with its node flags (decision 0040).
	const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
	if (result.error) console.error(`npm run build did not start: ${result.error.message}`);
	if (result.status !== 0) process.exit(result.status ?? 1);
}
await import('./run-server.mjs');
