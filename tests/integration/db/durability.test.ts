/**
 * The embedded database is durable by default: a commit is fsynced before it returns (counted with
 * strace, the system calls themselves), the opt-out mode makes none, and a PANIC ends the process
 * with a message and exit code 70 instead of spinning. Each case runs a separate Node process on a
 * real PGlite directory (tests/integration/db/fixtures/pglite-child.ts).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = path.resolve('tests/integration/db/fixtures/pglite-child.ts');
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const roots: string[] = [];
afterAll(() => {
	for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tempRoot(): string {
	const root = mkdtempSync(path.join(os.tmpdir(), 'cc-durable-'));
	roots.push(root);
	return root;
}

/** fsync + fdatasync calls made by a child doing `n` commits. */
function syncCalls(dataDir: string, durability: string, n: number): number {
	const out = path.join(path.dirname(dataDir), `strace-${durability}-${n}.txt`);
	const result = spawnSync(
		'strace',
		['-f', '-c', '-e', 'trace=fsync,fdatasync', '-o', out, process.execPath, CHILD, 'commits', dataDir, durability, String(n)],
		{
			encoding: 'utf8',
			timeout: 60_000,
		},
	);
	expect(result.status, result.stderr).toBe(0);
	const summary = readFileSync(out, 'utf8');
	return [...summary.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fsync|fdatasync)$/gm)].reduce(
		(sum, m) => sum + Number(m[1]),
		0,
	);
}

describe.skipIf(!hasStrace)('PGlite durability (strace)', () => {
	it('fsyncs every commit by default, and not at all with PGLITE_DURABILITY=unsafe-no-fsync', () => {
		const dataDir = path.join(tempRoot(), 'pglite');
		execFileSync(process.execPath, [CHILD, 'commits', dataDir, 'fsync', '1']); // initdb outside the count
		const baseline = syncCalls(dataDir, 'fsync', 0);
		const hundred = syncCalls(dataDir, 'fsync', 100);
		expect(hundred - baseline).toBeGreaterThanOrEqual(100);
		expect(syncCalls(dataDir, 'unsafe-no-fsync', 100)).toBe(0);
	});
});

/** As root, chmod does not stop writes: the child runs as the `postgres` user then. */
function childUser(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	try {
		return {
			uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
			gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
		};
	} catch {
		return undefined;
	}
}
const user = childUser();
const canDropWrites = process.getuid?.() !== 0 || user !== undefined;

function chmodTree(dir: string, mode: (current: number) => number): void {
	for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
		const p = path.join(entry.parentPath, entry.name);
		chmodSync(p, mode(statSync(p).mode));
	}
	chmodSync(dir, mode(statSync(dir).mode));
}

describe.skipIf(!canDropWrites)('PGlite PANIC', () => {
	it('ends the process with a clear message and exit code 70 when the data directory turns read-only', async () => {
		const root = tempRoot();
		if (user) chownSync(root, user.uid, user.gid);
		const dataDir = path.join(root, 'pglite');
		const child = spawn(process.execPath, [CHILD, 'panic', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
		const deadline = Date.now() + 60_000;
		while (!readdirSync(root).includes('ready')) {
			if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not get ready:\n${output}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		chmodTree(dataDir, (m) => m & ~0o222);
		const started = Date.now();
		writeFileSync(path.join(root, 'go'), '');
		const code = await Promise.race([exited, new Promise<'wedged'>((resolve) => setTimeout(() => resolve('wedged'), 20_000))]);
		if (code === 'wedged') child.kill('SIGKILL');
		chmodTree(dataDir, (m) => m | 0o200);
		expect(code, output).toBe(70);
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(output).toMatch(/\[db\] fatal: the embedded database stopped \(PANIC: .*Permission denied/);
		expect(output).not.toContain('the database never failed');
	});
});
