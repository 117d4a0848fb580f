/**
 * A migrated embedded database made once per test run and copied for every test server and PGlite
 * suite: initdb and the migrations cost seconds per database (REFERENCE.md: ≈ 3.4 s for initdb alone,
 * more under load), a copy of the 40 MB directory about 0.1 s. Made by the real `npm run db:migrate`
 * (scripts/db-migrate.ts), so the copy is exactly what a server would have made for itself; made again
 * whenever a migration or the PGlite version changes. Plain Node (type stripping) can import it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './fixture-build.ts';

const TEMPLATES_DIR = path.join(ROOT, '.test-build/pglite-template');
const MIGRATIONS_DIR = path.join(ROOT, 'src/server/db/migrations');
const INPUTS = [
	MIGRATIONS_DIR,
	path.join(ROOT, 'src/server/db/migrate.ts'),
	path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'),
];

function fingerprint(): string {
	const hash = createHash('sha256').update(`${process.version}\n`);
	for (const input of INPUTS) {
		const files = statSync(input).isDirectory()
			? readdirSync(input)
					.map((f) => path.join(input, f))
					.sort()
			: [input];
		for (const file of files) hash.update(`${path.relative(ROOT, file)}\0`).update(readFileSync(file));
	}
	return hash.digest('hex').slice(0, 16);
}

/** The template directory for the current migrations (it exists once ensurePgliteTemplate ran). */
export function pgliteTemplateDir(): string {
	return path.join(TEMPLATES_DIR, fingerprint());
}

/** Makes the template unless one for these migrations exists; returns its directory. */
export function ensurePgliteTemplate(): string {
	const dir = pgliteTemplateDir();
	if (existsSync(path.join(dir, 'PG_VERSION'))) return dir;
	const started = Date.now();
	const staging = `${dir}.${process.pid}.tmp`;
	rmSync(staging, { recursive: true, force: true });
	const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/db-migrate.ts')], {
		cwd: ROOT,
		env: { ...process.env, DATABASE_URL: '', DATA_DIR: staging, LOG_LEVEL: 'warn' },
		encoding: 'utf8',
	});
	if (result.status !== 0)
		throw new Error(`PGlite template: db:migrate failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
	rmSync(`${staging}.lock`, { force: true });
	// Other runs' templates are stale now; a concurrent run that made the same one first wins.
	for (const old of existsSync(TEMPLATES_DIR) ? readdirSync(TEMPLATES_DIR) : []) {
		if (!old.startsWith(path.basename(dir))) rmSync(path.join(TEMPLATES_DIR, old), { recursive: true, force: true });
	}
	try {
		renameSync(staging, dir);
	} catch (error) {
		if (!existsSync(path.join(dir, 'PG_VERSION'))) throw error;
		rmSync(staging, { recursive: true, force: true });
	}
	writeFileSync(
		path.join(TEMPLATES_DIR, 'README'),
		'Migrated PGlite directories copied by the tests (tests/helpers/pglite-template.ts).\n',
	);
	console.log(`PGlite template: ${path.relative(ROOT, dir)} made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return dir;
}

/**
 * Copies the migrated template to `dataDir` (which must not exist yet), when a template was made.
 * TEST_PGLITE_TEMPLATE=off makes every database from scratch again (to measure what the copy saves).
 */
export function copyPgliteTemplate(dataDir: string): boolean {
	if (process.env.TEST_PGLITE_TEMPLATE === 'off') return false;
	const template = pgliteTemplateDir();
	if (!existsSync(path.join(template, 'PG_VERSION')) || existsSync(dataDir)) return false;
	cpSync(template, dataDir, { recursive: true });
	return true;
}

/** vitest globalSetup (vitest.config.ts, integration project). */
export default function setup(): void {
	ensurePgliteTemplate();
}
