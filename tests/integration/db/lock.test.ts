/**
 * PGlite has no lock between processes (two writers silently lose data), so
 * the factory guards the data directory with `<dataDir>.lock`. These tests
 * use real second processes: Node 24 runs the factory's TypeScript directly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseLockedError, lockFilePath, openDatabase } from '../../../src/server/db/factory.ts';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { makeTempDir } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FACTORY_URL = pathToFileURL(path.join(ROOT, 'src/server/db/factory.ts')).href;

/**
 * The child: `try` opens and reports; `hold` opens, writes a row, installs
 * closeOnSignals, prints READY and waits to be signalled.
 */
const CHILD = `
const { openDatabase, closeOnSignals } = await import(process.env.FACTORY_URL);
const out = (v) => process.stdout.write(JSON.stringify(v) + '\\n');
try {
	const handle = await openDatabase({ dataDir: process.env.DATA_DIR });
	if (process.env.MODE === 'hold') {
		await handle.raw.query('create table if not exists marks (who text)');
		await handle.raw.query('insert into marks values ($1)', ['child-' + process.pid]);
		closeOnSignals(handle);
		out({ ready: true, pid: process.pid });
		setInterval(() => {}, 1000);
	} else {
		out({ ok: true });
		await handle.close();
	}
} catch (error) {
	out({ ok: false, name: error.name, message: error.message });
	process.exitCode = 3;
}
`;

interface ChildResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	lines: Record<string, unknown>[];
	stderr: string;
}

/** Children still running when a test ends (it failed early) are killed, so they cannot hold the lock for the next test. */
const running = new Set<ChildProcess>();

function startChild(
	dataDir: string,
	mode: 'try' | 'hold',
): { child: ChildProcess; result: Promise<ChildResult>; ready: Promise<Record<string, unknown>> } {
	const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', CHILD], {
		cwd: ROOT,
		env: { ...process.env, FACTORY_URL, DATA_DIR: dataDir, MODE: mode },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	child.once('exit', () => running.delete(child));
	const lines: Record<string, unknown>[] = [];
	let stderr = '';
	let buffer = '';
	let onLine: ((line: Record<string, unknown>) => void) | undefined;
	const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
		onLine = (line) => {
			if (line.ready || line.ok === false) resolve(line);
		};
		child.once('exit', () => reject(new Error(`child exited before READY: ${stderr}`)));
	});
	ready.catch(() => {});
	child.stdout?.on('data', (chunk: Buffer) => {
		buffer += chunk.toString();
		let nl = buffer.indexOf('\n');
		while (nl >= 0) {
			const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
			buffer = buffer.slice(nl + 1);
			lines.push(line);
			onLine?.(line);
			nl = buffer.indexOf('\n');
		}
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const result = new Promise<ChildResult>((resolve) => {
		child.once('exit', (code, signal) => resolve({ code, signal, lines, stderr }));
	});
	return { child, result, ready };
}

function readLock(dataDir: string): Record<string, unknown> {
	return JSON.parse(fs.readFileSync(lockFilePath(dataDir), 'utf8')) as Record<string, unknown>;
}

async function marks(dataDir: string): Promise<string[]> {
	const handle = await openDatabase({ dataDir });
	try {
		const { rows } = await handle.raw.query('select who from marks order by who');
		return rows.map((r: { who: string }) => r.who);
	} finally {
		await handle.close();
	}
}

describe('pglite: data directory lock', () => {
	let root: string;
	let dataDir: string;

	beforeAll(async () => {
		root = makeTempDir('cc-lock-');
		dataDir = path.join(root, 'nested', 'pglite');
		// Initialise once, so the child processes only reopen (fast).
		const handle = await openDatabase({ dataDir });
		await migrateToLatest(handle.db);
		await handle.close();
	});
	afterEach(async () => {
		for (const child of running) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;
		}
	});
	afterAll(() => {
		fs.rmSync(root, { recursive: true, force: true });
	});

	it('writes a lock holding pid, hostname, start time and command, and removes it on close', async () => {
		const handle = await openDatabase({ dataDir });
		try {
			expect(fs.existsSync(lockFilePath(dataDir))).toBe(true);
			expect(lockFilePath(dataDir)).toBe(`${dataDir}.lock`);
			const lock = readLock(dataDir);
			expect(lock).toMatchObject({ pid: process.pid, hostname: os.hostname() });
			expect(Date.parse(String(lock.startedAt))).toBeLessThanOrEqual(Date.now());
			expect(String(lock.command)).toContain('node');
		} finally {
			await handle.close();
		}
		expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);
	});

	it('refuses a second opener in another process with a clear message', async () => {
		const handle = await openDatabase({ dataDir });
		try {
			const { result } = startChild(dataDir, 'try');
			const { code, lines, stderr } = await result;
			expect(stderr).toBe('');
			expect(code).toBe(3);
			expect(lines[0]).toMatchObject({ ok: false, name: 'DatabaseLockedError' });
			const message = String(lines[0]?.message);
			expect(message).toContain(`The embedded database at ${dataDir} is in use by process ${process.pid} (`);
			expect(message).toContain(`started ${String(readLock(dataDir).startedAt)}`);
			expect(message).toContain('Stop it first, or set DATABASE_URL to use PostgreSQL.');
			// It names the holder's command line.
			expect(message).toContain(String(readLock(dataDir).command));
		} finally {
			await handle.close();
		}
	});

	it('is refused while another process holds it, and free once that process stops on SIGTERM', async () => {
		const { child, result, ready } = startChild(dataDir, 'hold');
		const hello = await ready;
		expect(hello).toMatchObject({ ready: true, pid: child.pid });

		const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatabaseLockedError);
		expect((error as DatabaseLockedError).message).toMatch(
			new RegExp(`^The embedded database at .+ is in use by process ${child.pid} \\(.+, started .+\\)\\. Stop it first`),
		);
		expect((error as DatabaseLockedError).holder.pid).toBe(child.pid);

		child.kill('SIGTERM');
		const exit = await result;
		expect(exit.code).toBe(0);
		expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);
		expect(await marks(dataDir)).toContain(`child-${child.pid}`);
	});

	it('takes over a stale lock left by a killed process, keeping its committed data', async () => {
		const { child, result, ready } = startChild(dataDir, 'hold');
		await ready;
		child.kill('SIGKILL');
		await result;
		expect(readLock(dataDir).pid).toBe(child.pid);

		const handle = await openDatabase({ dataDir });
		try {
			expect(readLock(dataDir).pid).toBe(process.pid);
			const { rows } = await handle.raw.query('select who from marks where who = $1', [`child-${child.pid}`]);
			expect(rows).toHaveLength(1);
		} finally {
			await handle.close();
		}
	});

	it('takes over hand-made stale locks: a dead pid, or an old unreadable file', async () => {
		const dead = spawn(process.execPath, ['-e', '0']);
		const deadPid = dead.pid as number;
		await new Promise((resolve) => dead.once('exit', resolve));
		fs.writeFileSync(
			lockFilePath(dataDir),
			JSON.stringify({
				pid: deadPid,
				hostname: os.hostname(),
				startedAt: '2026-01-01T00:00:00.000Z',
				command: 'node old',
			}),
		);
		const a = await openDatabase({ dataDir });
		expect(readLock(dataDir).pid).toBe(process.pid);
		await a.close();

		fs.writeFileSync(lockFilePath(dataDir), '');
		const old = new Date(Date.now() - 60_000);
		fs.utimesSync(lockFilePath(dataDir), old, old);
		const b = await openDatabase({ dataDir });
		expect(readLock(dataDir).pid).toBe(process.pid);
		await b.close();
		expect(fs.readdirSync(path.dirname(dataDir)).filter((f) => f.includes('.stale-'))).toEqual([]);
	});

	it('does not take over a lock held on another host', async () => {
		fs.writeFileSync(
			lockFilePath(dataDir),
			JSON.stringify({
				pid: 4242,
				hostname: 'other-host',
				startedAt: '2026-01-01T00:00:00.000Z',
				command: 'node server.mjs',
			}),
		);
		try {
			const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(DatabaseLockedError);
			expect((error as Error).message).toContain('in use by process 4242 on host other-host (node server.mjs');
			expect((error as Error).message).toContain(`delete ${lockFilePath(dataDir)}`);
		} finally {
			fs.rmSync(lockFilePath(dataDir));
		}
	});

	it('shares one PGlite per directory within a process and closes it with the last handle', async () => {
		const [a, b] = await Promise.all([openDatabase({ dataDir }), openDatabase({ dataDir })]);
		expect(a.db).toBe(b.db);
		await a.close();
		await a.close(); // idempotent: must not release b's reference
		const { rows } = await sql<{ one: number }>`select 1 as one`.execute(b.db);
		expect(rows).toEqual([{ one: 1 }]);
		expect(fs.existsSync(lockFilePath(dataDir))).toBe(true);
		await b.close();
		expect(fs.existsSync(lockFilePath(dataDir))).toBe(false);

		// Reopening right after the last close gets a fresh, working instance.
		const c = await openDatabase({ dataDir });
		expect(c.db).not.toBe(a.db);
		expect((await c.raw.query('select count(*) as n from marks')).rows[0].n).toEqual(expect.any(Number));
		await c.close();
	});

	it('rejects conflicting or unsupported configuration', async () => {
		await expect(openDatabase({ driver: 'pglite', url: 'postgres://x@localhost/db' })).rejects.toThrow(/data directory/);
		await expect(openDatabase({ driver: 'neon' })).rejects.toThrow(/needs a connection URL/);
		await expect(openDatabase({ url: 'mysql://root:secret@localhost/db' })).rejects.toThrow(/Unsupported database URL scheme 'mysql'/);
		await expect(openDatabase({ url: 'mysql://root:secret@localhost/db' })).rejects.not.toThrow(/secret/);
	});
});
