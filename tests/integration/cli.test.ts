/** The shell commands an operator uses: db:migrate, seed and users, on a fresh embedded database. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-cli-'));
const env = { ...process.env, DATA_DIR: path.join(dir, 'pglite'), DATABASE_URL: '' };
const run = (script: string, ...args: string[]) =>
	spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8', timeout: 60_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operator commands', () => {
	it('db:migrate applies the migrations once', () => {
		const first = run('scripts/db-migrate.ts');
		expect(first.status, first.stderr).toBe(0);
		expect(first.stdout).toMatch(/Applied: 0001_initial, 0002_oauth_refresh, 0003_attempts_by_day/);
		const second = run('scripts/db-migrate.ts');
		expect(second.stdout).toContain('Nothing to apply.');
		expect(second.stdout).toMatch(/pglite: \d+ migrations applied, 0 pending/);
	});

	it('seed creates the demo accounts once', () => {
		const first = run('scripts/seed.ts');
		expect(first.status, first.stderr).toBe(0);
		expect(first.stdout).toContain('Created: free@demo.test, premium@demo.test, admin@demo.test');
		expect(run('scripts/seed.ts').stdout).toContain('already exist');
	});

	it('users create, set-tier, set-role and list', () => {
		const created = run(
			'scripts/users.ts',
			'create',
			'Grace@Example.com',
			'--password',
			'long-enough-pw',
			'--name',
			'Grace',
			'--timezone',
			'Europe/Paris',
		);
		expect(created.status, created.stderr).toBe(0);
		expect(created.stdout).toMatch(/Created grace@example\.com \(id \w+, tier free, role student\)/);
		const duplicate = run('scripts/users.ts', 'create', 'grace@example.com', '--password', 'long-enough-pw');
		expect(duplicate.status).toBe(2);
		expect(duplicate.stderr).toContain('already exists');
		expect(run('scripts/users.ts', 'set-tier', 'grace@example.com', 'pro', '--reason', 'conference').stdout).toContain('free → pro');
		expect(run('scripts/users.ts', 'set-role', 'grace@example.com', 'admin').stdout).toContain('is now admin');
		const bad = run('scripts/users.ts', 'set-tier', 'grace@example.com', 'gold');
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('Unknown tier "gold"');
		const list = run('scripts/users.ts', 'list', 'grace');
		expect(list.stdout).toMatch(/grace@example\.com\s+pro\s+admin\s+Grace/);
		const weak = run('scripts/users.ts', 'create', 'x@example.com', '--password', 'short');
		expect(weak.status).toBe(2);
		expect(weak.stderr).toContain('at least 10 characters');
	});
});
