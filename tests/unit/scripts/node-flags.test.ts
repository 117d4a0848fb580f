/**
 * The node flags the benches and tests start the server and the build with are read from package.json
 * (scripts/node-flags.ts): a script in another shape, or a `start` whose flags differ from `serve`'s, is refused
 * with the reason instead of being measured without its flags.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { astroBuildArgs, SERVER_LAUNCHER, serverNodeFlags } from '../../../scripts/node-flags.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function project(scripts: Record<string, string>): string {
	dir = mkdtempSync(path.join(tmpdir(), 'cc-flags-'));
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts }));
	return dir;
}

const serve = `node --liftoff-only --no-experimental-strip-types ${SERVER_LAUNCHER}`;

describe('node flags from package.json', () => {
	it("are this project's own: the server runs no TypeScript, the build keeps its heap small", () => {
		expect(serverNodeFlags()).toEqual(expect.arrayContaining(['--expose-gc', '--no-experimental-strip-types']));
		const build = astroBuildArgs();
		expect(build.slice(-2)).toEqual([path.resolve('node_modules/astro/bin/astro.mjs'), 'build']);
		expect(build).toEqual(expect.arrayContaining(['--max-semi-space-size=8', '--heap-growing-percent=30']));
	});

	it('are read from the scripts, in order, and nothing else', () => {
		const root = project({
			serve,
			start: 'node --liftoff-only --no-experimental-strip-types scripts/start.mjs',
			build: 'node node_modules/astro/bin/astro.mjs build',
		});
		expect(serverNodeFlags(root)).toEqual(['--liftoff-only', '--no-experimental-strip-types']);
		expect(astroBuildArgs(root)).toEqual([path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build']);
	});

	it('refuse a script in another shape and a start that differs from serve', () => {
		const root = project({ serve, start: 'node --liftoff-only scripts/start.mjs', build: 'astro build' });
		expect(() => serverNodeFlags(root)).toThrow(
			'start passes node --liftoff-only but serve passes --liftoff-only --no-experimental-strip-types; keep them equal.',
		);
		expect(() => astroBuildArgs(root)).toThrow('the build script is not `node [--flags] node_modules/astro/bin/astro.mjs build`');
	});
});
