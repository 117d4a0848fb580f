/**
 * Backups of the embedded database: a consistent copy of the data directory (PGlite's `dumpDataDir`,
 * a gzipped tar) taken between transactions after a checkpoint, and its restore into a directory.
 *
 * Only the process holding the lock may touch the directory (a second PGlite on it loses writes,
 * pglite #1106), so while the server runs, `npm run db:backup` asks it: the CLI leaves a request file
 * beside the lock and sends the holder SIGUSR2; the server writes the backup and a `.done` file. Only
 * someone who can write beside the data directory and signal the server can ask, which is already
 * who owns the database. Why: docs/decisions/0011-database-faults-and-durability.md.
 */
import { randomBytes } from 'node:crypto';
import {
	closeSync,
	existsSync,
	fsyncSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A consistent image, taken between transactions: inside a (read-only, empty) transaction of its own,
 * which PGlite runs only when no other transaction is open, after a checkpoint so the copy needs little
 * WAL replay. `dumpDataDir` copies the files while no query runs.
 */
export async function dumpConsistent(pglite: PGlite): Promise<Uint8Array> {
	await pglite.exec('checkpoint');
	const tarball = await pglite.transaction(async () => pglite.dumpDataDir('gzip'));
	return new Uint8Array(await tarball.arrayBuffer());
}

/** Writes `bytes` to `target` atomically and durably: a temp file, fsync, rename, fsync of the directory. */
export function writeFileDurably(target: string, bytes: Uint8Array): void {
	const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
	const fd = openSync(tmp, 'w', 0o600);
	try {
		writeSync(fd, bytes);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	renameSync(tmp, target);
	const dirFd = openSync(path.dirname(target), 'r');
	try {
		fsyncSync(dirFd);
	} finally {
		closeSync(dirFd);
	}
}

interface BackupRequest {
	target: string;
}
export interface BackupResult {
	ok: boolean;
	bytes?: number;
	error?: string;
}

const REQUEST_SUFFIX = '.request';

function requestPrefix(lockPath: string): string {
	return `${path.basename(lockPath)}.backup-`;
}

/**
 * Installed by whoever holds the lock: on SIGUSR2, answers every pending request file. Returns the
 * function that uninstalls it.
 */
export function answerBackupRequests(pglite: PGlite, lockPath: string): () => void {
	const dir = path.dirname(lockPath);
	const prefix = requestPrefix(lockPath);
	let running: Promise<void> | undefined;
	const answerAll = async () => {
		for (const name of readdirSync(dir)) {
			if (!name.startsWith(prefix) || !name.endsWith(REQUEST_SUFFIX)) continue;
			const request = path.join(dir, name);
			const base = request.slice(0, -REQUEST_SUFFIX.length);
			let result: BackupResult;
			try {
				const { target } = JSON.parse(readFileSync(request, 'utf8')) as BackupRequest;
				rmSync(request, { force: true });
				const bytes = await dumpConsistent(pglite);
				writeFileDurably(path.resolve(target), bytes);
				result = { ok: true, bytes: bytes.byteLength };
				console.info(`[db] backup written to ${target} (${bytes.byteLength} bytes)`);
			} catch (error) {
				rmSync(request, { force: true });
				result = { ok: false, error: (error as Error).message };
				console.error(`[db] backup failed: ${(error as Error).message}`);
			}
			writeFileSync(`${base}.done.tmp`, JSON.stringify(result));
			renameSync(`${base}.done.tmp`, `${base}.done`);
		}
	};
	const onSignal = () => {
		// Requests that arrive during a run are picked up by the next one.
		running = (running ?? Promise.resolve()).then(answerAll).catch((error: unknown) => {
			console.error(`[db] answering backup requests failed: ${(error as Error).message}`);
		});
	};
	process.on('SIGUSR2', onSignal);
	return () => {
		process.removeListener('SIGUSR2', onSignal);
	};
}

/** The CLI's side while a server holds the lock: leave a request, signal the holder, wait for the answer. */
export async function requestBackupFromHolder(lockPath: string, pid: number, target: string, timeoutMs = 120_000): Promise<BackupResult> {
	const base = path.join(path.dirname(lockPath), `${requestPrefix(lockPath)}${randomBytes(6).toString('hex')}`);
	const done = `${base}.done`;
	writeFileSync(`${base}${REQUEST_SUFFIX}`, JSON.stringify({ target: path.resolve(target) } satisfies BackupRequest));
	try {
		process.kill(pid, 'SIGUSR2');
		const deadline = Date.now() + timeoutMs;
		while (!existsSync(done)) {
			if (Date.now() > deadline) return { ok: false, error: `process ${pid} did not answer within ${timeoutMs / 1000} s` };
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		return JSON.parse(readFileSync(done, 'utf8')) as BackupResult;
	} finally {
		rmSync(`${base}${REQUEST_SUFFIX}`, { force: true });
		rmSync(done, { force: true });
	}
}

/** How a backup was taken: by this process (no server running) or by the server holding the lock. */
export interface BackupSummary {
	bytes: number;
	via: 'direct' | { pid: number };
}

/** `npm run db:backup`: a consistent backup of the embedded database at `dataDir`, whether or not a server holds it. */
export async function backupPglite(dataDir: string, target: string): Promise<BackupSummary> {
	const { openPglite } = await import('./pglite.ts');
	const { DatabaseLockedError } = await import('./pglite-lock.ts');
	if (!existsSync(path.join(dataDir, 'PG_VERSION'))) throw new Error(`No embedded database at ${dataDir} (no PG_VERSION).`);
	let handle: Awaited<ReturnType<typeof openPglite>>;
	try {
		handle = await openPglite(dataDir);
	} catch (error) {
		if (!(error instanceof DatabaseLockedError) || error.holder.pid === process.pid) throw error;
		const result = await requestBackupFromHolder(error.lockPath, error.holder.pid, target);
		if (!result.ok) throw new Error(`The server (process ${error.holder.pid}) could not write the backup: ${result.error}`);
		return { bytes: result.bytes ?? 0, via: { pid: error.holder.pid } };
	}
	try {
		if (!handle.pglite) throw new Error('not an embedded database');
		const bytes = await dumpConsistent(handle.pglite);
		writeFileDurably(path.resolve(target), bytes);
		return { bytes: bytes.byteLength, via: 'direct' };
	} finally {
		await handle.close();
	}
}

/**
 * `npm run db:restore`: unpacks a backup into `dataDir`, which must be missing or empty unless
 * `replace` is set, in which case the old directory is kept beside it as `<dir>.before-restore-<time>`.
 * Refused while a process holds the directory.
 */
export async function restorePglite(file: string, dataDir: string, options: { replace?: boolean } = {}): Promise<{ movedAside?: string }> {
	const { acquireLock, lockFilePath, releaseLock } = await import('./pglite-lock.ts');
	const { fsyncTree } = await import('./pglite-durability.ts');
	const { mkdirSync } = await import('node:fs');
	const bytes = readFileSync(file);
	const dir = path.resolve(dataDir);
	mkdirSync(path.dirname(dir), { recursive: true });
	const lockPath = lockFilePath(dir);
	const lock = await acquireLock(lockPath, dataDir);
	try {
		let movedAside: string | undefined;
		if (existsSync(dir) && readdirSync(dir).length > 0) {
			if (!options.replace) throw new Error(`${dataDir} is not empty: pass --replace to keep it aside and restore over it.`);
			movedAside = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
			renameSync(dir, movedAside);
		}
		mkdirSync(dir, { recursive: true });
		const { PGlite } = await import('@electric-sql/pglite');
		const { pgliteExtensions } = await import('./pglite.ts');
		const pglite = await PGlite.create(dir, { loadDataDir: new Blob([bytes]), extensions: await pgliteExtensions() });
		try {
			await pglite.query('select 1');
		} finally {
			await pglite.close();
		}
		fsyncTree(dir);
		return movedAside ? { movedAside } : {};
	} finally {
		releaseLock(lockPath, lock);
	}
}
