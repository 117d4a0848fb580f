/**
 * The empty cluster shipped for fresh embedded databases: made by the installed PGlite, intact, shut down
 * cleanly, and written into a data directory in place, whole or not at all. (Opened and compared with initdb's
 * cluster in tests/integration/db/new-cluster.test.ts.)
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedPgliteVersion, readClusterTemplate, writeClusterTemplate } from '../../../src/server/db/pglite-cluster.ts';

const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'cluster-'));
	dirs.push(dir);
	return dir;
};
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** pg_control's `state` (offset 16): 1 is "shut down", 6 "in production" (a copy of a running server). */
const controlState = (control: Uint8Array) => Buffer.from(control).readUInt32LE(16);

describe('the shipped cluster', () => {
	it('was made by the installed PGlite (after an upgrade: npm run db:template), is intact and was shut down cleanly', () => {
		const template = readClusterTemplate();
		if ('unusable' in template) throw new Error(`the shipped cluster is unusable: ${template.unusable}`);
		expect(template.meta.pglite).toBe(installedPgliteVersion());
		const byName = new Map(template.entries.map((e) => [e.name, e]));
		expect(new TextDecoder().decode(byName.get('PG_VERSION')?.data).trim()).toBe(template.meta.postgres.split('.')[0]);
		expect(controlState(byName.get('global/pg_control')?.data ?? new Uint8Array(20))).toBe(1);
		expect(byName.has('postmaster.pid')).toBe(false);
		expect([...byName.keys()].some((n) => n.startsWith('base/'))).toBe(true);
	});

	it('fills an empty directory in place, also through a relative path or a symlink', () => {
		const parent = tempDir();
		const real = path.join(parent, 'real');
		mkdirSync(real);
		symlinkSync(real, path.join(parent, 'link'));
		expect(writeClusterTemplate(path.relative(process.cwd(), path.join(parent, 'link')))).toBeNull();
		expect(lstatSync(path.join(parent, 'link')).isSymbolicLink()).toBe(true);
		expect(existsSync(path.join(real, 'PG_VERSION'))).toBe(true);
		expect(existsSync(path.join(real, 'global', 'pg_control'))).toBe(true);
		expect(readdirSync(real)).not.toContain('.cluster-template-incomplete');
		expect(readdirSync(parent).sort()).toEqual(['link', 'real']);
	});

	it('leaves a directory that already holds files alone, and says why', () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, 'notes.txt'), 'mine');
		expect(writeClusterTemplate(dir)).toMatch(/already holds files but no database/);
		expect(readdirSync(dir)).toEqual(['notes.txt']);
	});

	it('fills again a directory a crash left half-written (its marker, no PG_VERSION)', () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, '.cluster-template-incomplete'), '');
		mkdirSync(path.join(dir, 'base'));
		writeFileSync(path.join(dir, 'base', 'partial'), 'x');
		expect(writeClusterTemplate(dir)).toBeNull();
		expect(existsSync(path.join(dir, 'base', 'partial'))).toBe(false);
		expect(readFileSync(path.join(dir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
	});
});
