/**
 * Makes the embedded database durable and its fatal errors loud.
 *
 * PGlite starts PostgreSQL with `-F` (fsync off), and its Node filesystem (Emscripten's NODEFS) has no
 * fsync at all: a commit reached the OS page cache, surviving `kill -9` but not an OS crash or power
 * loss (strace: 100 commits, 0 fsync calls). PGlite has no option for it (`relaxedDurability` only
 * concerns the browser filesystems), so we start PostgreSQL without `-F`, with `wal_sync_method=fsync`
 * (Emscripten ignores fdatasync), and give NODEFS the fsync PostgreSQL calls: a commit returns only
 * after its WAL is on disk, and checkpoints fsync the data files, exactly as in a normal PostgreSQL.
 * Measured cost and the opt-out: README "Reliability", docs/decisions/0011-database-faults-and-durability.md.
 */
import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/** 'fsync': every commit on stable storage before it is acknowledged. 'unsafe-no-fsync': PGlite's own default, faster, loses recent commits on an OS crash. */
export type PgliteDurability = 'fsync' | 'unsafe-no-fsync';

/** PGlite's own start parameters, with fsync on. */
export function durableStartParams(PGliteClass: typeof PGlite): string[] {
	const defaults = (PGliteClass as unknown as { defaultStartParams?: string[] }).defaultStartParams;
	if (!Array.isArray(defaults) || !defaults.includes('--single')) {
		throw new Error('This PGlite version has no PGlite.defaultStartParams: check pglite-durability.ts against its release notes.');
	}
	return [...defaults.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];
}

/** Emscripten's errno for EIO: PostgreSQL PANICs on a failed fsync, which `fatalLine` then catches. */
const EMSCRIPTEN_EIO = 29;

interface EmscriptenStream {
	nfd?: number;
}
interface EmscriptenModule {
	ENV: Record<string, string>;
	FS: {
		lookupPath(p: string): { node: { mount: { type: { stream_ops: Record<string, unknown> } } } };
		ErrnoError: new (errno: number) => Error;
	};
}

/** Gives the data directory's filesystem a real fsync, checks that PostgreSQL now calls it, and flushes what was written before. */
export async function enableFsync(pglite: PGlite, dir: string): Promise<void> {
	const mod = (pglite as unknown as { mod?: EmscriptenModule }).mod;
	const pgdata = mod?.ENV?.PGDATA;
	if (!mod || !pgdata) throw new Error('Cannot reach PGlite’s filesystem to enable fsync (pglite-durability.ts).');
	const ops = mod.FS.lookupPath(pgdata).node.mount.type.stream_ops;
	ops.fsync = (stream: EmscriptenStream) => {
		if (typeof stream.nfd !== 'number') return 0;
		try {
			fsyncSync(stream.nfd);
		} catch {
			throw new mod.FS.ErrnoError(EMSCRIPTEN_EIO);
		}
		return 0;
	};
	const { rows } = await pglite.query<{ fsync: string; wal_sync_method: string }>(
		"select current_setting('fsync') as fsync, current_setting('wal_sync_method') as wal_sync_method",
	);
	if (rows[0]?.fsync !== 'on' || rows[0]?.wal_sync_method !== 'fsync') {
		throw new Error(`PGlite did not take fsync=on (got ${JSON.stringify(rows[0])}): refusing to run without durability.`);
	}
	// Initdb and crash recovery ran before fsync existed: put what they wrote on disk now.
	fsyncTree(dir);
}

/** fsyncs every file and directory under `dir`. */
export function fsyncTree(dir: string): void {
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		if (entry.isFile() || entry.isDirectory()) fsyncPath(path.join(entry.parentPath, entry.name));
	}
	fsyncPath(dir);
}

function fsyncPath(p: string): void {
	const fd = openSync(p, 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/**
 * The message of a line of PostgreSQL's stderr that means the instance is dead: a PANIC (log line
 * prefix, then `PANIC:`) or Emscripten's `Aborted()`. Statements are sent with parameters, so user
 * text never starts a line here.
 */
export function fatalLine(line: string): string | undefined {
	const panic = /^\S+ \S+ \S+ \[\d+\] PANIC:\s+(.*)$/.exec(line);
	if (panic) return `PANIC: ${panic[1]}`;
	if (line.trim() === 'Aborted()') return 'PostgreSQL aborted';
	return undefined;
}

/** The exit code of a fatal database error (EX_SOFTWARE). */
export const FATAL_EXIT_CODE = 70;

/**
 * The default for a PANIC: PostgreSQL inside PGlite has stopped for good and the next query would spin
 * for ever at 100 % CPU. Exit, so a supervisor (systemd, Docker, Fly) starts a fresh process, which
 * recovers from the WAL or refuses to start with the same message.
 */
export function exitOnFatal(message: string): never {
	console.error(
		`[db] fatal: the embedded database stopped (${message}). Exiting with code ${FATAL_EXIT_CODE} so a supervisor restarts the server; ` +
			'if it happens again, check that the data directory is writable and the disk is not full.',
	);
	process.exit(FATAL_EXIT_CODE);
}
