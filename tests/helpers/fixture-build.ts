/**
 * The build the integration and browser tests run on: `astro build` of a fixture course
 * (tests/fixtures/courses/demo by default) into a git-ignored directory, never of content/, so
 * `npm test` holds whatever course an author keeps in content/. Built once per run by vitest's
 * globalSetup (the default export below) and by Playwright's webServer (tests/e2e/server.ts), and
 * only when an input changed since the last build. Plain Node (type stripping) can import it.
 *
 * TEST_DIST_DIR is the one knob: unset, the demo fixture is built into .test-build/demo; set, the
 * tests use that directory as it is (a build of the demo fixture made elsewhere) and never build.
 * Why: docs/decisions/0009-tests-on-fixture-courses.md.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverBundleEntry } from '../../src/publish/server-bundle.mjs';
import { astroBuildArgs } from '../../scripts/node-flags.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Courses the tests know by heart, one directory each (course.yaml, chapters/, quizzes/). */
export const FIXTURE_COURSES_DIR = path.join(ROOT, 'tests/fixtures/courses');
/** A frozen copy of the demo course that once shipped in content/: the course the integration and browser tests name. */
export const DEMO_COURSE = path.join(FIXTURE_COURSES_DIR, 'demo');
const DEFAULT_OUT_DIR = path.join(ROOT, '.test-build/demo');
/** The build of DEMO_COURSE under test (dist-shaped: client/, server/, private/). */
export const TEST_DIST_DIR = path.resolve(ROOT, process.env.TEST_DIST_DIR ?? DEFAULT_OUT_DIR);

/**
 * What a build reads besides the course and PASSED_ENV: a change to any of these makes the build stale
 * (package.json: its build script's node flags).
 */
const BUILD_INPUTS = [
	'src',
	'scripts/serve.ts',
	'public',
	'astro.config.mjs',
	'package.json',
	'package-lock.json',
	'tests/helpers/fixture-build.ts',
];
/**
 * The only variables a fixture build sees besides CONTENT_DIR: a build is the same whatever the shell,
 * vitest (NODE_ENV=test breaks prerendering) or Playwright's webServer (PUBLIC_ORIGIN, NODE_ENV) set, so
 * astro.config's default origin is the one baked in and the privacy page has no operator.
 */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];
const STAMP = '.fixture-build.json';

function files(p: string): string[] {
	if (!existsSync(p)) return [];
	if (!statSync(p).isDirectory()) return [p];
	return readdirSync(p, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name))
		.sort();
}

/** A digest of the Node version and every input's path, size and modification time, the course's files included. */
function fingerprint(courseDir: string): string {
	const hash = createHash('sha256').update(`${process.version}\n${courseDir}\n`);
	for (const file of [...BUILD_INPUTS.map((p) => path.join(ROOT, p)), courseDir].flatMap(files)) {
		const stat = statSync(file);
		hash.update(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
	}
	return hash.digest('hex');
}

export function isBuilt(outDir: string): boolean {
	return (
		existsSync(path.join(outDir, 'server', 'entry.mjs')) &&
		existsSync(path.join(outDir, 'private', 'manifest.json')) &&
		existsSync(serverBundleEntry(outDir))
	);
}

function isFresh(outDir: string, digest: string): boolean {
	if (!isBuilt(outDir)) return false;
	try {
		return (JSON.parse(readFileSync(path.join(outDir, STAMP), 'utf8')) as { fingerprint?: string }).fingerprint === digest;
	} catch {
		return false;
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Runs `work` while holding `<outDir>.lock`, so a vitest and a Playwright run started together never build into one directory at once. */
function withLock<T>(outDir: string, work: () => T): T {
	const lock = `${outDir}.lock`;
	mkdirSync(path.dirname(lock), { recursive: true });
	const deadline = Date.now() + 300_000;
	for (;;) {
		try {
			writeFileSync(lock, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const owner = Number(readFileSync(lock, 'utf8').trim());
			if (!owner || !processAlive(owner)) {
				rmSync(lock, { force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`fixture build: ${lock} has been held by process ${owner} for 5 minutes`);
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
		}
	}
	try {
		return work();
	} finally {
		rmSync(lock, { force: true });
	}
}

function buildEnv(courseDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { CONTENT_DIR: courseDir, ASTRO_TELEMETRY_DISABLED: '1' };
	for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
	return env;
}

/**
 * Builds `courseDir` into `outDir` (`CONTENT_DIR=<course> astro build --outDir <outDir>`) unless the
 * last build there had the same inputs. Throws with the build's output when it fails.
 */
export function buildFixtureCourse(courseDir: string, outDir: string): { built: boolean; ms: number } {
	const started = Date.now();
	const digest = fingerprint(courseDir);
	if (isFresh(outDir, digest)) return { built: false, ms: 0 };
	return withLock(outDir, () => {
		if (isFresh(outDir, digest)) return { built: false, ms: 0 };
		rmSync(outDir, { recursive: true, force: true });
		const result = spawnSync(process.execPath, [...astroBuildArgs(ROOT), '--outDir', outDir], {
			cwd: ROOT,
			env: buildEnv(courseDir),
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		if (result.status !== 0 || !isBuilt(outDir)) {
			throw new Error(
				`fixture build of ${path.relative(ROOT, courseDir)} into ${path.relative(ROOT, outDir)} failed ` +
					`(exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${result.stdout}\n${result.stderr}`,
			);
		}
		writeFileSync(path.join(outDir, STAMP), `${JSON.stringify({ course: path.relative(ROOT, courseDir), fingerprint: digest })}\n`);
		return { built: true, ms: Date.now() - started };
	});
}

/** Makes sure TEST_DIST_DIR holds a build of the demo fixture: builds it when it is the default directory, checks it otherwise. */
export function ensureTestBuild(): string {
	if (process.env.TEST_DIST_DIR) {
		if (!isBuilt(TEST_DIST_DIR))
			throw new Error(
				`TEST_DIST_DIR=${process.env.TEST_DIST_DIR} holds no build (server/entry.mjs, private/manifest.json, serve/serve.mjs).`,
			);
		return TEST_DIST_DIR;
	}
	const { built, ms } = buildFixtureCourse(DEMO_COURSE, TEST_DIST_DIR);
	const where = `${path.relative(ROOT, DEMO_COURSE)} → ${path.relative(ROOT, TEST_DIST_DIR)}`;
	console.log(built ? `fixture build: ${where} built in ${(ms / 1000).toFixed(1)} s` : `fixture build: ${where} is up to date`);
	return TEST_DIST_DIR;
}

/** vitest globalSetup (vitest.config.ts): the build exists before any suite starts a server on it. */
export default function setup(): void {
	ensureTestBuild();
}
