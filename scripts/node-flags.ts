/**
 * The node flags the production server and the build run with: read from package.json's `serve` and `build`
 * scripts, so the benches and tests measure the server exactly as `npm run serve` starts it and build as `npm run
 * build` does. `start` (npm start) must pass the same flags as `serve`; this refuses a package.json where the two
 * differ. Why these flags: docs/decisions/0029-memory.md (--liftoff-only), 0037-idle-memory.md (--expose-gc),
 * 0040-compact-index-and-compiled-server.md (--no-experimental-strip-types, and the build's heap flags).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The flags of a `node [--flags] <command>` script. */
function scriptFlags(scripts: Record<string, string>, name: string, command: string): string[] {
	const match = new RegExp(`^node((?:\\s+--\\S+)*)\\s+${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).exec(scripts[name] ?? '');
	if (!match) throw new Error(`package.json: the ${name} script is not \`node [--flags] ${command}\`.`);
	return (match[1] ?? '').split(/\s+/).filter(Boolean);
}

function packageScripts(root: string): Record<string, string> {
	return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const ASTRO_CLI = 'node_modules/astro/bin/astro.mjs';

/** node's arguments for `astro build` as `npm run build` runs it (flags, Astro's CLI, `build`); add `--outDir` and the like after. */
export function astroBuildArgs(root = ROOT): string[] {
	return [...scriptFlags(packageScripts(root), 'build', `${ASTRO_CLI} build`), path.join(root, ASTRO_CLI), 'build'];
}

/**
 * What `npm run serve` runs: the build's compiled server (src/publish/bundle-server.ts), as every test and bench
 * that starts the production server runs it.
 */
export const SERVER_LAUNCHER = 'scripts/run-server.mjs';

export function serverNodeFlags(root = ROOT): string[] {
	const scripts = packageScripts(root);
	const serve = scriptFlags(scripts, 'serve', SERVER_LAUNCHER);
	const start = scriptFlags(scripts, 'start', 'scripts/start.mjs');
	if (serve.join(' ') !== start.join(' ')) {
		throw new Error(
			`package.json: start passes node ${start.join(' ') || '(no flags)'} but serve passes ${serve.join(' ') || '(no flags)'}; keep them equal.`,
		);
	}
	return serve;
}

/**
 * Starts the production server as `npm run serve` does (these flags, port 0 on loopback, production mode, the
 * given environment on top of this process's) and resolves with its port once it says it is listening.
 */
export function spawnProductionServer(env: NodeJS.ProcessEnv, root = ROOT) {
	const server = spawn(process.execPath, [...serverNodeFlags(root), path.join(root, SERVER_LAUNCHER)], {
		cwd: root,
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let output = '';
	const port = new Promise<number>((resolve, reject) => {
		server.stdout.on('data', (d: Buffer) => {
			output += d;
			const m = /running at http:\/\/[^:]+:(\d+)/.exec(output);
			if (m) resolve(Number(m[1]));
		});
		server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
	});
	return { server, port, output: () => output };
}
