/**
 * `npm run serve`: the production server (scripts/serve.ts) as the build compiled it to JavaScript
 * (src/publish/bundle-server.ts), so Node loads no TypeScript stripper (decision 0040).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { distDir, serverBundleEntry } from '../src/publish/server-bundle.mjs';

const entry = serverBundleEntry(distDir());
if (!existsSync(entry)) {
	console.error(`No compiled server at ${path.relative(process.cwd(), entry)}: run \`npm run build\` first (npm start does it for you).`);
	process.exit(1);
}
await import(pathToFileURL(entry).href);
