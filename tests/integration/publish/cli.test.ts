/**
 * `node scripts/publish.ts` as CI runs it: configuration errors exit 1 and name every problem;
 * a publish of a real build (a copy of the demo fixture build, tests/helpers/fixture-build.ts, so a
 * rebuild elsewhere cannot change it under us) stores every file byte for byte, and the next
 * publish uploads nothing.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../../helpers/run-node.ts';
import { listObjects } from '../../../src/publish/bucket.ts';
import { assertBuilt, DIST_DIR } from '../../helpers/server.ts';
import { download, startS3, type TestS3 } from './s3-server.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The environment without any R2_* variable a developer's shell may have set. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('R2_') && value !== undefined) env[key] = value;
	return { ...env, ...extra };
}

const runCli = (args: string[], env: Record<string, string>) => runNode(['scripts/publish.ts', ...args], { env, cleanEnv: true });

/** The `  - NAME problem` lines of a configuration error (the usage text mentions every name). */
const problemLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('  - '));

function filesUnder(root: string): string[] {
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
		.sort();
}

describe('publish CLI: configuration', () => {
	it('exits 1 and names every missing variable', async () => {
		const { code, stderr, stdout } = await runCli([], cleanEnv());
		expect(code).toBe(1);
		expect(stdout).toBe('');
		for (const name of ['R2_ENDPOINT', 'R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY', 'R2_PUBLIC_BUCKET', 'R2_PRIVATE_BUCKET']) {
			expect(stderr).toMatch(new RegExp(`- ${name} is required`));
		}
		expect(problemLines(stderr)).toHaveLength(5);
	});

	it('exits 1 and says what is wrong with values that are present', async () => {
		const { code, stderr } = await runCli(
			[],
			cleanEnv({
				R2_ENDPOINT: 'https://account.r2.cloudflarestorage.com/site-bucket',
				R2_ACCESS_KEY_ID: 'key',
				R2_SECRET_ACCESS_KEY: '',
				R2_PUBLIC_BUCKET: 'course',
				R2_PRIVATE_BUCKET: 'course',
				R2_PRIVATE_PREFIX: '/v1',
			}),
		);
		expect(code).toBe(1);
		expect(stderr).toMatch(/R2_ENDPOINT must be the account endpoint only/);
		expect(stderr).toMatch(/R2_SECRET_ACCESS_KEY is required/);
		expect(stderr).toMatch(/R2_PRIVATE_PREFIX must end with "\/"/);
		expect(stderr).toMatch(/R2_PRIVATE_BUCKET must differ from R2_PUBLIC_BUCKET/);
		expect(problemLines(stderr)).toHaveLength(4);
	});

	it('refuses plain http to a remote endpoint', async () => {
		const { code, stderr } = await runCli(
			[],
			cleanEnv({
				R2_ENDPOINT: 'http://account.r2.cloudflarestorage.com',
				R2_ACCESS_KEY_ID: 'k',
				R2_SECRET_ACCESS_KEY: 's',
				R2_PUBLIC_BUCKET: 'pub',
				R2_PRIVATE_BUCKET: 'priv',
			}),
		);
		expect(code).toBe(1);
		expect(stderr).toMatch(/R2_ENDPOINT must use https/);
	});
});

describe('publish CLI: the real build', () => {
	let s3: TestS3;
	let work: string;
	let env: Record<string, string>;

	beforeAll(async () => {
		assertBuilt();
		work = mkdtempSync(path.join(os.tmpdir(), 'cc-publish-cli-'));
		cpSync(path.join(DIST_DIR, 'client'), path.join(work, 'dist/client'), { recursive: true });
		cpSync(path.join(DIST_DIR, 'private'), path.join(work, 'dist/private'), { recursive: true });
		s3 = await startS3();
		await s3.createBucket('course-site');
		await s3.createBucket('course-private');
		env = cleanEnv(s3.env({ publicBucket: 'course-site', privateBucket: 'course-private', prefix: 'release/' }));
	});

	afterAll(async () => {
		await s3?.stop();
		if (work) rmSync(work, { recursive: true, force: true });
	});

	it('stores every file byte for byte, then uploads nothing the second time and one object after one change', async () => {
		const dist = path.join(work, 'dist');
		const publicFiles = filesUnder(path.join(dist, 'client'));
		const privateFiles = filesUnder(path.join(dist, 'private'));
		const bytes = [...publicFiles.map((f) => `client/${f}`), ...privateFiles.map((f) => `private/${f}`)].reduce(
			(n, f) => n + readFileSync(path.join(dist, f)).byteLength,
			0,
		);

		const dry = await runCli(['--dist', dist, '--dry-run'], env);
		expect(dry.code, dry.stderr).toBe(0);
		expect(dry.stdout).toMatch(new RegExp(`public \\(.*\\): ${publicFiles.length} to upload .*, 0 unchanged, 0 to delete`));
		expect(dry.stdout).toMatch(/Dry run: nothing changed/);
		expect(await listObjects(s3.client, 'course-site', '')).toEqual([]);

		const first = await runCli(['--dist', dist], env);
		expect(first.code, first.stderr).toBe(0);
		const total = publicFiles.length + privateFiles.length;
		// Not a TTY: one plain progress line per object.
		expect(first.stderr.split('\n').filter((l) => l.startsWith('['))).toHaveLength(total);
		expect(first.stderr).toContain(`[${total}/${total}] uploading `);
		expect(first.stdout).toMatch(new RegExp(`public \\(.*\\): uploaded ${publicFiles.length} `));
		expect(first.stdout).toMatch(new RegExp(`private \\(.*\\): uploaded ${privateFiles.length} `));

		const types: Record<string, RegExp> = {
			html: /^text\/html; charset=utf-8$/,
			css: /^text\/css; charset=utf-8$/,
			js: /^text\/javascript; charset=utf-8$/,
			json: /^application\/json; charset=utf-8$/,
			xml: /^text\/xml; charset=utf-8$/,
			txt: /^text\/plain; charset=utf-8$/,
			svg: /^image\/svg\+xml; charset=utf-8$/,
			pagefind: /^application\/octet-stream$/,
			pf_fragment: /^application\/octet-stream$/,
			pf_index: /^application\/octet-stream$/,
			pf_meta: /^application\/octet-stream$/,
			bin: /^application\/octet-stream$/,
		};
		for (const [bucket, prefix, dir, files] of [
			['course-site', '', 'client', publicFiles],
			['course-private', 'release/', 'private', privateFiles],
		] as const) {
			expect((await listObjects(s3.client, bucket, '')).map((o) => o.key).sort()).toEqual(files.map((f) => prefix + f).sort());
			for (const file of files) {
				const local = readFileSync(path.join(dist, dir, file));
				const got = await download(s3.client, bucket, prefix + file);
				expect(sha256(got.bytes), file).toBe(sha256(local));
				const ext = file.slice(file.lastIndexOf('.') + 1);
				expect(got.contentType, file).toMatch(types[ext] ?? /^$/);
				const expected =
					dir === 'private'
						? 'private, no-store'
						: file.startsWith('_astro/') || /\.pf_(fragment|index|meta)$/.test(file)
							? 'public, max-age=31536000, immutable'
							: 'public, max-age=60, must-revalidate';
				expect(got.cacheControl, file).toBe(expected);
			}
		}

		const second = await runCli(['--dist', dist], env);
		expect(second.code, second.stderr).toBe(0);
		expect(second.stdout).toMatch(new RegExp(`public \\(.*\\): uploaded 0 \\(0 B\\), ${publicFiles.length} unchanged`));
		expect(second.stdout).toMatch(new RegExp(`private \\(.*\\): uploaded 0 \\(0 B\\), ${privateFiles.length} unchanged`));
		expect(second.stderr).toBe('');

		const page = path.join(dist, 'client/index.html');
		writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', '<!-- republished --></body>'));
		const third = await runCli(['--dist', dist], env);
		expect(third.code, third.stderr).toBe(0);
		expect(third.stdout).toMatch(/public \(.*\): uploaded 1 /);
		expect(third.stdout).toMatch(/private \(.*\): uploaded 0 /);
		expect(third.stderr.trim()).toBe('[1/1] uploading course-site/index.html');
		expect(sha256((await download(s3.client, 'course-site', 'index.html')).bytes)).toBe(sha256(readFileSync(page)));

		console.log(
			`real build: ${total} objects, ${(bytes / 1024).toFixed(0)} kB; first publish ${first.ms.toFixed(0)} ms, ` +
				`unchanged ${second.ms.toFixed(0)} ms, one change ${third.ms.toFixed(0)} ms (process start included)`,
		);
	});

	it('fails clearly when the build is missing', async () => {
		const { code, stderr } = await runCli(['--dist', path.join(work, 'nowhere')], env);
		expect(code).toBe(1);
		expect(stderr).toMatch(/does not exist\. Run `npm run build` first/);
	});
});
