/**
 * Embedded PGlite: one instance per data directory per process, shared by every handle opened on it
 * and closed with the last one; the directory is guarded by a lock file (`pglite-lock.ts`).
 * Durable by default (`pglite-durability.ts`: a commit is fsynced before it is acknowledged); a PANIC
 * ends the process instead of leaving it wedged; the holder of the lock answers backup requests
 * (`pglite-backup.ts`). Why: docs/decisions/0011-database-faults-and-durability.md.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import type { DatabaseHandle, RawClient } from './handle.ts';
import { pgliteParsers } from './pg-types.ts';
import { answerBackupRequests } from './pglite-backup.ts';
import { type PgliteNewCluster, writeClusterTemplate } from './pglite-cluster.ts';
import { durableStartParams, enableFsync, exitOnFatal, fatalLine, type PgliteDurability } from './pglite-durability.ts';
import { acquireLock, lockFilePath, releaseLock } from './pglite-lock.ts';
import type { Database } from './schema.ts';

export interface PgliteOptions {
	/** 'fsync' (default): every commit is on stable storage before it is acknowledged. */
	durability?: PgliteDurability;
	/** How a fresh directory is made: 'template' (default), the shipped cluster (pglite-cluster.ts); 'initdb'. */
	newCluster?: PgliteNewCluster;
	/** Called once on a PANIC (the instance is dead); default: log and exit the process (`exitOnFatal`). */
	onFatal?: (message: string) => void;
}

interface OpenPglite {
	db: Kysely<Database>;
	raw: RawClient;
	pglite: PGlite;
	shutdown(): Promise<void>;
}

interface SharedPglite {
	refs: number;
	opened: Promise<OpenPglite>;
	/** Set while the last handle closes, so a new open waits instead of racing it. */
	closing?: Promise<void>;
}

/**
 * PostgreSQL's default shared_buffers (128 MB) is carved out of PGlite's WebAssembly memory, which never
 * shrinks: 16 MB took the embedded server's RSS down by ≈ 100 MB (docs/decisions/0029-memory.md). The
 * operating system's page cache still holds the rest of the data files.
 */
const SMALL_MEMORY_PARAMS = ['-c', 'shared_buffers=16MB'];

const REGISTRY_KEY = Symbol.for('course-companion.db.pglite-registry');

/** Lives on globalThis so a dev-server module reload finds the instance already open. */
function registry(): Map<string, SharedPglite> {
	const g = globalThis as unknown as Record<symbol, Map<string, SharedPglite> | undefined>;
	let map = g[REGISTRY_KEY];
	if (!map) {
		map = new Map();
		g[REGISTRY_KEY] = map;
	}
	return map;
}

/**
 * The extensions a data directory made by our migrations needs loaded to open (pg_trgm: the admin search's
 * trigram indexes, migration 0015). Whatever opens the directory — the server, a restore, a test — passes these.
 */
export async function pgliteExtensions() {
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
	return { pg_trgm };
}

/** A handle on the directory's shared instance; the instance closes (and unlocks) with its last handle. */
export async function openPglite(dataDir: string, options: PgliteOptions = {}): Promise<DatabaseHandle> {
	const dir = path.resolve(dataDir);
	const reg = registry();
	let entry = reg.get(dir);
	while (entry?.closing) {
		await entry.closing.catch(() => {});
		entry = reg.get(dir);
	}
	if (!entry) {
		const created: SharedPglite = { refs: 0, opened: createPglite(dir, dataDir, options) };
		created.opened.catch(() => {
			if (reg.get(dir) === created) reg.delete(dir);
		});
		reg.set(dir, created);
		entry = created;
	}
	const shared = entry;
	shared.refs++;
	let inner: OpenPglite;
	try {
		inner = await shared.opened;
	} catch (error) {
		shared.refs--;
		throw error;
	}
	let closed: Promise<void> | undefined;
	return {
		db: inner.db,
		dialect: 'pglite',
		raw: inner.raw,
		pglite: inner.pglite,
		close() {
			closed ??= (async () => {
				shared.refs--;
				if (shared.refs > 0) return;
				shared.closing = inner.shutdown();
				try {
					await shared.closing;
				} finally {
					if (reg.get(dir) === shared) reg.delete(dir);
				}
			})();
			return closed;
		},
	};
}

/**
 * Creates the data directory in a short-lived child process: initdb grows the WebAssembly memory (and
 * V8's compiled code) to ≈ 0.9 GB, and WebAssembly memory never shrinks, so doing it in the server left
 * it at ≈ 0.5 GB for its whole life. The child exits and the server opens the finished directory
 * (docs/decisions/0029-memory.md). The caller holds the directory's lock.
 */
async function initdbInChild(dir: string): Promise<void> {
	const pglite = import.meta.resolve('@electric-sql/pglite');
	const trgm = import.meta.resolve('@electric-sql/pglite/contrib/pg_trgm');
	const code = `const { PGlite } = await import(${JSON.stringify(pglite)}); const { pg_trgm } = await import(${JSON.stringify(trgm)});
const db = await PGlite.create(process.argv[1], { extensions: { pg_trgm } }); await db.close();`;
	await new Promise<void>((resolve, reject) => {
		execFile(process.execPath, ['--liftoff-only', '--input-type=module', '-e', code, dir], (error, _stdout, stderr) =>
			error ? reject(new Error(`Could not create the embedded database in ${dir}: ${stderr.trim() || error.message}`)) : resolve(),
		);
	});
}

async function createPglite(dir: string, displayDir: string, options: PgliteOptions): Promise<OpenPglite> {
	mkdirSync(path.dirname(dir), { recursive: true });
	const lockPath = lockFilePath(dir);
	const lock = await acquireLock(lockPath, displayDir);
	const releaseOnExit = () => releaseLock(lockPath, lock);
	process.once('exit', releaseOnExit);
	try {
		mkdirSync(dir, { recursive: true });
		// A fresh directory starts from the shipped cluster (pglite-cluster.ts), else from initdb in a child process.
		if (!existsSync(path.join(dir, 'PG_VERSION'))) {
			if (options.newCluster === 'initdb') await initdbInChild(dir);
			else {
				const unused = writeClusterTemplate(dir);
				if (unused !== null) {
					console.warn(`[db] not starting ${displayDir} from the shipped cluster (${unused}): running initdb.`);
					await initdbInChild(dir);
				}
			}
		}
		const { PGlite } = await import('@electric-sql/pglite');
		const durable = (options.durability ?? 'fsync') === 'fsync';
		const onFatal = options.onFatal ?? exitOnFatal;
		let fatal = false;
		const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams ?? [];
		const pglite = await PGlite.create(dir, {
			parsers: pgliteParsers,
			extensions: await pgliteExtensions(),
			startParams: [...(durable ? durableStartParams(PGlite) : defaults), ...SMALL_MEMORY_PARAMS],
			// PostgreSQL reports a PANIC on stderr, then aborts; the instance never answers again.
			onStderr(line) {
				const message = fatalLine(line);
				if (message && !fatal) {
					fatal = true;
					onFatal(message);
				}
				return false;
			},
		});
		if (durable) await enableFsync(pglite, dir);
		const stopAnswering = answerBackupRequests(pglite, lockPath);
		const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
		return {
			db,
			pglite,
			raw: {
				async query(text, values) {
					const q = typeof text === 'string' ? { text, values } : text;
					const result = await pglite.query(q.text, q.values as unknown[] | undefined);
					return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
				},
			},
			async shutdown() {
				stopAnswering();
				try {
					await db.destroy();
					// Kysely closes PGlite only if it ever ran a query.
					if (!pglite.closed) await pglite.close();
				} finally {
					process.removeListener('exit', releaseOnExit);
					releaseLock(lockPath, lock);
				}
			},
		};
	} catch (error) {
		process.removeListener('exit', releaseOnExit);
		releaseLock(lockPath, lock);
		throw error;
	}
}
