/**
 * The node flags the production server runs with: read from package.json's `serve` script (the one place
 * they are written, also used by `start`), so the benches measure the server exactly as `npm run serve`
 * starts it. Why these flags: docs/decisions/0029-memory.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function serverNodeFlags(root = path.resolve(import.meta.dirname, '..')): string[] {
	const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
	const match = /^node((?:\s+--\S+)*)\s+scripts\/serve\.ts$/.exec(scripts.serve ?? '');
	if (!match) throw new Error('package.json: the serve script is not `node [--flags] scripts/serve.ts`.');
	return (match[1] ?? '').split(/\s+/).filter(Boolean);
}
