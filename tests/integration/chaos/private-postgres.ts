/**
 * A PostgreSQL cluster of the test's own (initdb into a temp directory, pg_ctl on a free port in
 * 4700–4799), so a test can stop and restart it without touching the machine's shared server. As
 * root, the cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

function asUser(): { prefix: string[]; uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return { prefix: [] };
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

/** A free port in the range the tests may use. */
export async function freePort(from = 4700, to = 4799): Promise<number> {
	const start = from + Math.floor(Math.random() * (to - from));
	for (let i = 0; i <= to - from; i++) {
		const port = from + ((start - from + i) % (to - from + 1));
		const free = await new Promise<boolean>((resolve) => {
			const server = net.createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error(`no free port in ${from}-${to}`);
}

export interface PrivatePostgres {
	url: string;
	port: number;
	/** Stops the server; 'immediate' is a crash (no checkpoint, WAL recovery on start). */
	stop(mode?: 'fast' | 'immediate'): void;
	start(): void;
	log(): string;
	destroy(): void;
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('No PostgreSQL binaries under /usr/lib/postgresql/*/bin');
	const user = asUser();
	const root = mkdtempSync(path.join(os.tmpdir(), 'cc-pg-'));
	if (user.uid !== undefined && user.gid !== undefined) chownSync(root, user.uid, user.gid);
	const data = path.join(root, 'data');
	const logFile = path.join(root, 'postgres.log');
	const port = await freePort();
	const run = (tool: string, args: string[]) => {
		const [cmd, ...rest] = [...user.prefix, path.join(bin, tool), ...args];
		const result = spawnSync(cmd as string, rest, { encoding: 'utf8', timeout: 60_000 });
		if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
	};
	run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
	const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=on -c max_connections=50`;
	const cluster: PrivatePostgres = {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		start: () => run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', '-o', options, 'start']),
		stop: (mode = 'fast') => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']),
		log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
		destroy() {
			try {
				cluster.stop('immediate');
			} catch {
				// Already stopped.
			}
			rmSync(root, { recursive: true, force: true });
		},
	};
	cluster.start();
	return cluster;
}
