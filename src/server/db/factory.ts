/**
 * Opens the app's database: embedded PGlite (no URL), PostgreSQL over TCP
 * (`pg`), or Neon's WebSocket pool. Whatever the driver, callers see the same
 * JS types: int8/`count(*)` → number, `date` → 'YYYY-MM-DD', bytea →
 * Uint8Array, timestamptz → Date.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import type { PostgresPool } from 'kysely';
import type { Database } from './schema.ts';

export type DatabaseDialect = 'pglite' | 'postgres' | 'neon';

export interface OpenDatabaseOptions {
	/** A postgres:// or postgresql:// URL. Without one, the embedded PGlite database is used. */
	url?: string;
	/** Defaults to 'postgres' when a URL is given, else 'pglite'. 'neon' needs a URL. */
	driver?: DatabaseDialect;
	/** PGlite data directory; default `./.data/pglite`. Parent directories are created. */
	dataDir?: string;
	/**
	 * Neon driver only: a WebSocket-to-TCP proxy in front of a plain PostgreSQL (Neon's documented
	 * local setup, e.g. `localhost:5433/v1`), spoken without TLS. Unset in production.
	 */
	neonWsProxy?: string;
}

/** The `{ text, values }` form of a query, as rate-limiter-flexible sends it. */
export interface RawQueryConfig {
	text: string;
	values?: unknown[];
}

/** A minimal pg-like client for libraries that want one (rate-limiter-flexible). */
export interface RawClient {
	// biome-ignore lint/suspicious/noExplicitAny: rows of arbitrary SQL, as pg types them
	query(text: string | RawQueryConfig, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface DatabaseHandle {
	db: Kysely<Database>;
	dialect: DatabaseDialect;
	/** Closes the connection (and releases the PGlite lock); safe to call twice. */
	close(): Promise<void>;
	raw: RawClient;
}

export const DEFAULT_DATA_DIR = './.data/pglite';

const OID_BYTEA = 17;
const OID_INT8 = 20;
const OID_DATE = 1082;

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
	// An empty DATABASE_URL= in a .env file means "not set".
	const url = options.url?.trim() || undefined;
	const driver = options.driver ?? (url ? driverForUrl(url) : 'pglite');
	if (driver === 'pglite') {
		if (url) throw new Error("The 'pglite' driver uses a data directory, not a URL: unset DATABASE_URL or pick another driver.");
		return openPglite(options.dataDir ?? DEFAULT_DATA_DIR);
	}
	if (!url) throw new Error(`The '${driver}' driver needs a connection URL (DATABASE_URL).`);
	return openPool(url, driver, options.neonWsProxy);
}

function driverForUrl(url: string): DatabaseDialect {
	if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
	// Only the scheme is echoed: the URL may hold a password.
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? '(none)';
	throw new Error(`Unsupported database URL scheme '${scheme}': expected postgres:// or postgresql://.`);
}

// ---------------------------------------------------------------------------
// PostgreSQL (pg) and Neon

/** Parses an int8 like PGlite does: a number when it fits, else a bigint. */
function parseInt8(value: string): number | bigint {
	const n = Number(value);
	return Number.isSafeInteger(n) ? n : BigInt(value);
}

type TypeParserSource = { getTypeParser(oid: number, format?: 'text' | 'binary'): unknown };

/**
 * Per-pool type parsers (not the global `pg.types`), so another pg user in the
 * same process keeps pg's defaults.
 */
function normalizedTypes(base: TypeParserSource) {
	const parseBytea = base.getTypeParser(OID_BYTEA, 'text') as (value: string) => Uint8Array;
	return {
		getTypeParser(oid: number, format?: 'text' | 'binary') {
			if (format === undefined || format === 'text') {
				if (oid === OID_INT8) return parseInt8;
				if (oid === OID_DATE) return (value: string) => value;
				// A plain Uint8Array (copied out of Buffer's shared pool), as PGlite returns.
				if (oid === OID_BYTEA) return (value: string) => new Uint8Array(parseBytea(value));
			}
			return base.getTypeParser(oid, format);
		},
	};
}

interface EndablePool extends PostgresPool {
	ended?: boolean;
	query(text: string | RawQueryConfig, values?: unknown[]): Promise<{ rows: unknown[] }>;
	on(event: 'error', listener: (error: Error) => void): unknown;
}

async function openPool(url: string, driver: 'postgres' | 'neon', neonWsProxy?: string): Promise<DatabaseHandle> {
	let pool: EndablePool;
	if (driver === 'neon') {
		const neon = await import('@neondatabase/serverless');
		if (neonWsProxy) {
			neon.neonConfig.wsProxy = neonWsProxy;
			neon.neonConfig.useSecureWebSocket = false;
			neon.neonConfig.pipelineTLS = false;
			neon.neonConfig.pipelineConnect = false;
		}
		pool = new neon.Pool({ connectionString: url, types: normalizedTypes(neon.types) }) as unknown as EndablePool;
	} else {
		const pg = await import('pg');
		pool = new pg.Pool({ connectionString: url, types: normalizedTypes(pg.types) }) as unknown as EndablePool;
	}
	// An idle client losing its connection emits 'error'; unhandled, that would crash the server.
	pool.on('error', (error) => {
		console.error(`[db] idle ${driver} connection error: ${error.message}`);
	});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: async () => pool }) });
	let closing: Promise<void> | undefined;
	return {
		db,
		dialect: driver,
		raw: {
			async query(text, values) {
				const result = typeof text === 'string' ? await pool.query(text, values) : await pool.query(text);
				return { rows: result.rows };
			},
		},
		close() {
			closing ??= (async () => {
				await db.destroy();
				// Kysely only ends a pool it has used; raw queries may have used it alone.
				if (!pool.ended) await pool.end();
			})();
			return closing;
		},
	};
}

// ---------------------------------------------------------------------------
// PGlite: one instance per directory per process, guarded by a lock file

/** Who holds an embedded database, as written to `<dataDir>.lock`. */
export interface LockInfo {
	pid: number;
	hostname: string;
	/** When the holding process started (ISO). */
	startedAt: string;
	/** The holding process's command line, for the "in use by" message. */
	command: string;
}

/** A second process tried to open an embedded database that another one holds. */
export class DatabaseLockedError extends Error {
	readonly holder: LockInfo;
	readonly lockPath: string;
	constructor(message: string, holder: LockInfo, lockPath: string) {
		super(message);
		this.name = 'DatabaseLockedError';
		this.holder = holder;
		this.lockPath = lockPath;
	}
}

/** The lock sits beside the data directory, so PGlite's initdb still sees an empty directory. */
export function lockFilePath(dataDir: string): string {
	return `${path.resolve(dataDir)}.lock`;
}

interface OpenPglite {
	db: Kysely<Database>;
	raw: RawClient;
	shutdown(): Promise<void>;
}

interface SharedPglite {
	refs: number;
	opened: Promise<OpenPglite>;
	/** Set while the last handle closes, so a new open waits instead of racing it. */
	closing?: Promise<void>;
}

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

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
	const dir = path.resolve(dataDir);
	const reg = registry();
	let entry = reg.get(dir);
	while (entry?.closing) {
		await entry.closing.catch(() => {});
		entry = reg.get(dir);
	}
	if (!entry) {
		const created: SharedPglite = { refs: 0, opened: createPglite(dir, dataDir) };
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

async function createPglite(dir: string, displayDir: string): Promise<OpenPglite> {
	mkdirSync(path.dirname(dir), { recursive: true });
	const lockPath = lockFilePath(dir);
	const lock = await acquireLock(lockPath, displayDir);
	const releaseOnExit = () => releaseLock(lockPath, lock);
	process.once('exit', releaseOnExit);
	try {
		mkdirSync(dir, { recursive: true });
		const { PGlite } = await import('@electric-sql/pglite');
		// PGlite would turn `date` into a Date at local midnight; keep the calendar day as text.
		const pglite = await PGlite.create(dir, { parsers: { [OID_DATE]: (value: string) => value } });
		const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
		return {
			db,
			raw: {
				async query(text, values) {
					const q = typeof text === 'string' ? { text, values } : text;
					const result = await pglite.query(q.text, q.values as unknown[] | undefined);
					return { rows: result.rows };
				},
			},
			async shutdown() {
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

let cachedCommand: string | undefined;

/** The raw command line (Linux /proc), falling back to Node's argv. */
function ownCommand(): string {
	cachedCommand ??= readCmdline(process.pid) ?? oneLine(process.argv.join(' '));
	return cachedCommand;
}

/** One line, at most 200 characters: it goes into an error message. */
function oneLine(command: string): string {
	const flat = command.replace(/\s+/g, ' ').trim();
	return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function readCmdline(pid: number): string | undefined {
	try {
		const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		const command = oneLine(raw.split('\0').filter(Boolean).join(' '));
		return command || undefined;
	} catch {
		return undefined;
	}
}

function processStartMs(): number {
	return Date.now() - process.uptime() * 1000;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists but belongs to another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function parseLock(raw: string): LockInfo | undefined {
	try {
		const value = JSON.parse(raw) as Partial<LockInfo>;
		if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
		return {
			pid: value.pid,
			hostname: value.hostname,
			startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'unknown',
			command: typeof value.command === 'string' ? oneLine(value.command) : 'unknown command',
		};
	} catch {
		return undefined;
	}
}

function readRaw(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** 'stale' when the holder is certainly gone; 'live' when it may still be running. */
function judge(holder: LockInfo): 'stale' | 'live' {
	// On another host we cannot see the process: assume it is alive.
	if (holder.hostname !== os.hostname()) return 'live';
	if (holder.pid === process.pid) {
		// Same pid and start time: another thread or realm of this very process.
		const sameProcess = Math.abs(Date.parse(holder.startedAt) - processStartMs()) < 2000;
		return sameProcess ? 'live' : 'stale';
	}
	return isAlive(holder.pid) ? 'live' : 'stale';
}

function lockedMessage(displayDir: string, holder: LockInfo, lockPath: string): string {
	const where = holder.hostname === os.hostname() ? '' : ` on host ${holder.hostname}`;
	let message =
		`The embedded database at ${displayDir} is in use by process ${holder.pid}${where} ` +
		`(${holder.command}, started ${holder.startedAt}). Stop it first, or set DATABASE_URL to use PostgreSQL.`;
	const now = holder.hostname === os.hostname() && holder.pid !== process.pid ? readCmdline(holder.pid) : undefined;
	if (where || (now !== undefined && now !== holder.command)) {
		message += ` If that process is gone${now !== undefined ? ` (pid ${holder.pid} now runs: ${now})` : ''}, delete ${lockPath}.`;
	}
	return message;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the lock file with 'wx' (fails if it exists). A lock whose process
 * is gone is taken over: it is first renamed aside and compared, so two
 * processes taking over the same stale lock cannot both win.
 */
async function acquireLock(lockPath: string, displayDir: string): Promise<LockInfo> {
	const mine: LockInfo = {
		pid: process.pid,
		hostname: os.hostname(),
		startedAt: new Date(processStartMs()).toISOString(),
		command: ownCommand(),
	};
	const body = `${JSON.stringify(mine, null, '\t')}\n`;
	for (let attempt = 0; attempt < 20; attempt++) {
		try {
			const fd = openSync(lockPath, 'wx', 0o644);
			try {
				writeSync(fd, body);
			} finally {
				closeSync(fd);
			}
			return mine;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const raw = readRaw(lockPath);
		if (raw === undefined) continue; // released meanwhile: try again
		const holder = parseLock(raw);
		if (!holder) {
			// Empty or half-written: another process may be writing it right now.
			if (isYoung(lockPath)) {
				await sleep(50);
				continue;
			}
		} else if (judge(holder) === 'live') {
			throw new DatabaseLockedError(lockedMessage(displayDir, holder, lockPath), holder, lockPath);
		}
		takeOver(lockPath, raw);
	}
	throw new Error(`Could not take the lock ${lockPath}: it keeps changing. Is another process starting up?`);
}

function isYoung(file: string): boolean {
	try {
		return Date.now() - statSync(file).mtimeMs < 2000;
	} catch {
		return true;
	}
}

function takeOver(lockPath: string, staleRaw: string): void {
	const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
	try {
		renameSync(lockPath, aside);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	if (readRaw(aside) === staleRaw) {
		rmSync(aside, { force: true });
	} else {
		// Someone replaced the stale lock with a live one first: put theirs back.
		renameSync(aside, lockPath);
	}
}

/** Removes the lock only if it is still ours. Synchronous, so it can run in an 'exit' handler. */
function releaseLock(lockPath: string, mine: LockInfo): void {
	try {
		const raw = readRaw(lockPath);
		const holder = raw === undefined ? undefined : parseLock(raw);
		if (holder && holder.pid === mine.pid && holder.startedAt === mine.startedAt) rmSync(lockPath, { force: true });
	} catch {
		// Best effort: a leftover lock is detected as stale next time.
	}
}

// ---------------------------------------------------------------------------

/**
 * Closes the database on SIGTERM/SIGINT, then exits. Killing PGlite without
 * `close()` forces WAL recovery on the next open. A second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function closeOnSignals(
	handle: Pick<DatabaseHandle, 'close'>,
	signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
	let shuttingDown = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (shuttingDown) {
			process.exit(1);
		}
		shuttingDown = true;
		handle.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(`[db] closing on ${signal} failed:`, error);
				process.exit(1);
			},
		);
	};
	for (const signal of signals) process.on(signal, onSignal);
	return () => {
		for (const signal of signals) process.removeListener(signal, onSignal);
	};
}
