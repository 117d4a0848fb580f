/**
 * The node flags the production server runs with: read from package.json's `serve` script, so the benches
 * and tests measure the server exactly as `npm run serve` starts it. `start` (npm start) must pass the same
 * ones; this refuses a package.json where the two differ. Why these flags: docs/decisions/0029-memory.md
 * (--liftoff-only) and 0037-idle-memory.md (--expose-gc).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function scriptFlags(scripts: Record<string, string>, name: string, file: string): string[] {
	const match = new RegExp(`^node((?:\\s+--\\S+)*)\\s+scripts/${file.replace('.', '\\.')}$`).exec(scripts[name] ?? '');
	if (!match) throw new Error(`package.json: the ${name} script is not \`node [--flags] scripts/${file}\`.`);
	return (match[1] ?? '').split(/\s+/).filter(Boolean);
}

/**
 * What `npm run serve` runs: the build's compiled server (src/publish/bundle-server.ts), as every test and bench
 * that starts the production server runs it.
 */
export const SERVER_LAUNCHER = 'scripts/run-server.mjs';

export function serverNodeFlags(root = path.resolve(import.meta.dirname, '..')): string[] {
	const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
	const serve = scriptFlags(scripts, 'serve', 'run-server.mjs');
	const start = scriptFlags(scripts, 'start', 'start.mjs');
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
export function spawnProductionServer(env: NodeJS.ProcessEnv, root = path.resolve(import.meta.dirname, '..')) {
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
