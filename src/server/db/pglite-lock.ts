/**
 * The lock file that keeps a second process off an embedded database: PGlite has none of its own, and
 * two processes writing one directory silently lose writes (pglite #1106). When the lock is held, the
 * error names the holder (pid, host, command, start time) so the operator knows what to stop.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
export async function acquireLock(lockPath: string, displayDir: string): Promise<LockInfo> {
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
export function releaseLock(lockPath: string, mine: LockInfo): void {
	try {
		const raw = readRaw(lockPath);
		const holder = raw === undefined ? undefined : parseLock(raw);
		if (holder && holder.pid === mine.pid && holder.startedAt === mine.startedAt) rmSync(lockPath, { force: true });
	} catch {
		// Best effort: a leftover lock is detected as stale next time.
	}
}
