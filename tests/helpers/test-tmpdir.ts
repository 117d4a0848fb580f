/**
 * Scratch space for the tests on memory, where the machine has it: every test database (a 40 MB PGlite
 * directory copied per server, fsynced on each commit, docs/decisions/0011), copied course, build and
 * browser profile lives under the operating system's temporary directory, and on a disk shared with other
 * work those writes and fsyncs are most of a test's wall time. Linux mounts /dev/shm as tmpfs; the
 * vitest and Playwright configs call this before any worker or server starts, so they all inherit it.
 * TEST_TMPDIR names another directory; TEST_TMPDIR=off keeps the system's (to measure what this saves).
 * Plain Node (type stripping) can import it.
 */
import { accessSync, constants, statSync } from 'node:fs';

const MEMORY_BACKED = '/dev/shm';

export function useFastTmpdir(): string | undefined {
	const wanted = process.env.TEST_TMPDIR;
	if (wanted === 'off') return undefined;
	const dir = wanted ?? MEMORY_BACKED;
	try {
		if (!statSync(dir).isDirectory()) return undefined;
		accessSync(dir, constants.W_OK);
	} catch {
		if (wanted) throw new Error(`TEST_TMPDIR=${wanted} is not a writable directory`);
		return undefined;
	}
	process.env.TMPDIR = dir;
	return dir;
}
