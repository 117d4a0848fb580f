/**
 * The publisher against a real S3 server (s3rver): a small tree with every kind of file we ship,
 * including binary bytes, an empty file, a 3 MB file and a key with spaces and accents. Each
 * object must download byte for byte (SHA-256), with the right Content-Type and Cache-Control,
 * and a second publish must send nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listObjects } from '../../../src/publish/bucket.ts';
import { type PublishTarget, publish } from '../../../src/publish/publish.ts';
import { s3ClientFor } from '../../../src/server/content-store-r2.ts';
import { download, type RecordedRequest, recorder, S3RVER_KEY, startS3, type TestS3 } from './s3-server.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=60, must-revalidate';
const PRIVATE = 'private, no-store';

/** path → [bytes, expected Content-Type, expected Cache-Control]; written independently of src/publish/headers.ts. */
function publicTree(): Record<string, [Buffer, string, string]> {
	const binary = Buffer.concat([Buffer.from([0, 1, 2, 0x0d, 0x0a, 0xff]), Buffer.from('\r\n0\r\n\r\n'), randomBytes(4000)]);
	return {
		'index.html': [
			Buffer.from('<!doctype html><title>Home</title><link rel="stylesheet" href="/_astro/Base.Ab12Cd.css">'),
			'text/html; charset=utf-8',
			REVALIDATE,
		],
		'chapters/tool-use/index.html': [
			Buffer.from('<!doctype html><title>Tool use — “quotes”</title>'),
			'text/html; charset=utf-8',
			REVALIDATE,
		],
		'_astro/Base.Ab12Cd.css': [Buffer.from('body{color:#111}'), 'text/css; charset=utf-8', IMMUTABLE],
		'_astro/page.Xy98Zw.js': [Buffer.from('export const x = 1;\n'), 'text/javascript; charset=utf-8', IMMUTABLE],
		'_astro/inter.Qq11Rr.woff2': [randomBytes(3000), 'font/woff2', IMMUTABLE],
		'api/v1/course.json': [Buffer.from('{"course":{"id":"demo"}}'), 'application/json; charset=utf-8', REVALIDATE],
		'sitemap-index.xml': [Buffer.from('<?xml version="1.0"?><sitemapindex/>'), 'text/xml; charset=utf-8', REVALIDATE],
		'robots.txt': [Buffer.from('User-agent: *\nAllow: /\n'), 'text/plain; charset=utf-8', REVALIDATE],
		'favicon.svg': [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml; charset=utf-8', REVALIDATE],
		'images/diagram.png': [binary, 'image/png', REVALIDATE],
		'pagefind/pagefind.js': [Buffer.from('export {}'), 'text/javascript; charset=utf-8', REVALIDATE],
		'pagefind/pagefind-entry.json': [Buffer.from('{"version":"1.6.0"}'), 'application/json; charset=utf-8', REVALIDATE],
		'pagefind/wasm.en.pagefind': [randomBytes(2048), 'application/octet-stream', REVALIDATE],
		'pagefind/pagefind.en_9223935dff.pf_meta': [randomBytes(512), 'application/octet-stream', IMMUTABLE],
		'pagefind/fragment/en_19f7179.pf_fragment': [randomBytes(700), 'application/octet-stream', IMMUTABLE],
		'pagefind/index/en_768bb2d.pf_index': [randomBytes(900), 'application/octet-stream', IMMUTABLE],
		'search.wasm': [Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'application/wasm', REVALIDATE],
		'downloads/big.bin': [randomBytes(3 * 1024 * 1024), 'application/octet-stream', REVALIDATE],
		'empty.txt': [Buffer.alloc(0), 'text/plain; charset=utf-8', REVALIDATE],
		'notes/ünïcode file (1).txt': [Buffer.from('naïve café\n'), 'text/plain; charset=utf-8', REVALIDATE],
	};
}

function privateTree(): Record<string, [Buffer, string, string]> {
	return {
		'manifest.json': [Buffer.from('{"chapters":[]}'), 'application/json; charset=utf-8', PRIVATE],
		'chapters/agent-skills.json': [
			Buffer.from('{"id":"agent-skills","html":"<p>premium</p>"}'),
			'application/json; charset=utf-8',
			PRIVATE,
		],
		'quizzes/agent-skills.json': [Buffer.from('{"id":"agent-skills","questions":[]}'), 'application/json; charset=utf-8', PRIVATE],
	};
}

function writeTree(root: string, tree: Record<string, [Buffer, string, string]>): void {
	for (const [rel, [bytes]] of Object.entries(tree)) {
		mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
		writeFileSync(path.join(root, rel), bytes);
	}
}

let s3: TestS3;
let relay: Awaited<ReturnType<typeof recorder>>;
let work: string;
let bucketSeq = 0;

beforeAll(async () => {
	s3 = await startS3();
	relay = await recorder(s3.endpoint);
	work = mkdtempSync(path.join(os.tmpdir(), 'cc-publish-'));
});

afterAll(async () => {
	await relay?.close();
	await s3?.stop();
	if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh pair of buckets and a fresh copy of the trees for each test. */
let ctx: {
	dist: string;
	targets: PublishTarget[];
	pub: string;
	priv: string;
	tree: ReturnType<typeof publicTree>;
	ptree: ReturnType<typeof privateTree>;
};
beforeEach(async () => {
	bucketSeq += 1;
	const pub = `site-${bucketSeq}`;
	const priv = `private-${bucketSeq}`;
	await s3.createBucket(pub);
	await s3.createBucket(priv);
	const dist = path.join(work, `dist-${bucketSeq}`);
	const tree = publicTree();
	const ptree = privateTree();
	writeTree(path.join(dist, 'client'), tree);
	writeTree(path.join(dist, 'private'), ptree);
	ctx = {
		dist,
		pub,
		priv,
		tree,
		ptree,
		targets: [
			{ name: 'public', dir: path.join(dist, 'client'), bucket: pub, prefix: '' },
			{ name: 'private', dir: path.join(dist, 'private'), bucket: priv, prefix: 'course-v1/' },
		],
	};
	relay.log.length = 0;
});

/** Publishes through the recording relay, so each test can see the requests that went out. */
function run(options: { dryRun?: boolean; prune?: boolean; force?: boolean; listPageSize?: number } = {}) {
	const client = s3ClientFor({ endpoint: relay.endpoint, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY });
	return publish({ client, targets: ctx.targets, concurrency: 8, ...options }).finally(() => client.destroy());
}

const writes = (log: RecordedRequest[]) => log.filter((r) => r.method === 'PUT' || r.method === 'DELETE' || r.method === 'POST');

describe('publish to an S3 server', () => {
	it('uploads every file byte for byte with its Content-Type and Cache-Control', async () => {
		const result = await run();
		const [priv, pub] = result.targets;
		expect(pub?.uploaded).toHaveLength(Object.keys(ctx.tree).length);
		expect(priv?.uploaded).toHaveLength(Object.keys(ctx.ptree).length);
		// Private first, then public; within public, fingerprinted assets before pages.
		// The relay logs a request when its response arrives, so this is the order uploads completed in.
		const puts = relay.log.filter((r) => r.method === 'PUT').map((r) => r.path);
		expect(puts.slice(0, 3).every((u) => u.startsWith(`/${ctx.priv}/course-v1/`))).toBe(true);
		expect(puts.at(2)).toBe(`/${ctx.priv}/course-v1/manifest.json`);
		const lastAsset = Math.max(...puts.map((u, i) => (/\/_astro\/|\.pf_\w+$/.test(u) ? i : -1)));
		const firstPage = puts.findIndex((u) => u.endsWith('.html'));
		expect(lastAsset).toBeGreaterThan(2);
		expect(firstPage).toBeGreaterThan(lastAsset);
		expect(puts.slice(firstPage).every((u) => u.endsWith('.html'))).toBe(true);

		for (const [bucket, prefix, tree] of [
			[ctx.pub, '', ctx.tree],
			[ctx.priv, 'course-v1/', ctx.ptree],
		] as const) {
			const listed = await listObjects(s3.client, bucket, '');
			expect(listed.map((o) => o.key).sort()).toEqual(
				Object.keys(tree)
					.map((k) => prefix + k)
					.sort(),
			);
			for (const [rel, [bytes, type, cache]] of Object.entries(tree)) {
				const got = await download(s3.client, bucket, prefix + rel);
				expect(sha256(got.bytes), rel).toBe(sha256(bytes));
				expect(got.bytes.byteLength, rel).toBe(bytes.byteLength);
				expect(got.contentType, rel).toBe(type);
				expect(got.cacheControl, rel).toBe(cache);
				expect(got.metadata?.sha256, rel).toBe(sha256(bytes));
			}
		}
	});

	it('a second publish uploads nothing, across several listing pages', async () => {
		await run();
		relay.log.length = 0;
		const again = await run({ listPageSize: 4 });
		expect(again.targets.map((t) => t.uploaded.length)).toEqual([0, 0]);
		expect(again.targets.map((t) => t.plan.skip.length)).toEqual([3, Object.keys(ctx.tree).length]);
		expect(writes(relay.log)).toEqual([]);
		// 20 public objects in pages of 4 → 5 list requests, plus 1 for the private prefix.
		expect(relay.log.filter((r) => r.method === 'GET' && r.url.includes('list-type=2'))).toHaveLength(6);
	});

	it('after one file changes, only that object is uploaded and it holds the new bytes', async () => {
		await run();
		const changed = Buffer.from('<!doctype html><title>Tool use, second edition</title>');
		writeFileSync(path.join(ctx.dist, 'client/chapters/tool-use/index.html'), changed);
		relay.log.length = 0;
		const result = await run();
		expect(result.targets.flatMap((t) => t.uploaded)).toEqual(['chapters/tool-use/index.html']);
		expect(result.targets[1]?.plan.upload[0]?.reason).toBe('changed');
		expect(writes(relay.log)).toHaveLength(1);
		const got = await download(s3.client, ctx.pub, 'chapters/tool-use/index.html');
		expect(sha256(got.bytes)).toBe(sha256(changed));
	});

	it('deletes objects the build no longer has only with --prune, and never outside the private prefix', async () => {
		await run();
		await s3.client.send(new PutObjectCommand({ Bucket: ctx.priv, Key: 'other-app/keep.json', Body: Buffer.from('{}') }));
		unlinkSync(path.join(ctx.dist, 'client/robots.txt'));
		unlinkSync(path.join(ctx.dist, 'private/quizzes/agent-skills.json'));

		relay.log.length = 0;
		const withoutFlag = await run();
		expect(writes(relay.log)).toEqual([]);
		expect(withoutFlag.targets.map((t) => t.plan.stale.map((o) => o.key))).toEqual([
			['course-v1/quizzes/agent-skills.json'],
			['robots.txt'],
		]);
		expect((await listObjects(s3.client, ctx.pub, '')).map((o) => o.key)).toContain('robots.txt');

		const dry = await run({ dryRun: true, prune: true });
		expect(dry.targets.flatMap((t) => t.deleted)).toEqual([]);
		expect(writes(relay.log)).toEqual([]);

		const pruned = await run({ prune: true });
		expect(pruned.targets.flatMap((t) => t.deleted).sort()).toEqual(['course-v1/quizzes/agent-skills.json', 'robots.txt']);
		const publicKeys = (await listObjects(s3.client, ctx.pub, '')).map((o) => o.key);
		const privateKeys = (await listObjects(s3.client, ctx.priv, '')).map((o) => o.key);
		expect(publicKeys).not.toContain('robots.txt');
		expect(publicKeys).toHaveLength(Object.keys(ctx.tree).length - 1);
		expect(privateKeys.sort()).toEqual(['course-v1/chapters/agent-skills.json', 'course-v1/manifest.json', 'other-app/keep.json']);
	});

	it('a dry run lists the plan and changes nothing', async () => {
		const dry = await run({ dryRun: true, prune: true });
		expect(dry.targets.map((t) => t.plan.upload.length)).toEqual([3, Object.keys(ctx.tree).length]);
		expect(writes(relay.log)).toEqual([]);
		expect(await listObjects(s3.client, ctx.pub, '')).toEqual([]);
		expect(await listObjects(s3.client, ctx.priv, '')).toEqual([]);
	});

	it('--force uploads unchanged files again (after a header policy change)', async () => {
		await run();
		relay.log.length = 0;
		const forced = await run({ force: true });
		expect(forced.targets.flatMap((t) => t.uploaded)).toHaveLength(Object.keys(ctx.tree).length + 3);
		expect(forced.targets.flatMap((t) => t.plan.upload.map((f) => f.reason))).toSatisfy((r: string[]) => r.every((x) => x === 'forced'));
	});

	it('replaces an object whose stored bytes differ from the build even if sizes match', async () => {
		await run();
		const original = readFileSync(path.join(ctx.dist, 'client/_astro/Base.Ab12Cd.css'));
		const tampered = Buffer.from(original.toString().replace('#111', '#222'));
		await s3.client.send(new PutObjectCommand({ Bucket: ctx.pub, Key: '_astro/Base.Ab12Cd.css', Body: tampered }));
		const result = await run();
		expect(result.targets.flatMap((t) => t.uploaded)).toEqual(['_astro/Base.Ab12Cd.css']);
		expect(sha256((await download(s3.client, ctx.pub, '_astro/Base.Ab12Cd.css')).bytes)).toBe(sha256(original));
	});
});
