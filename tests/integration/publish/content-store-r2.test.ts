/**
 * The server's private-content store reading from a bucket (s3rver standing in for R2), on the demo
 * fixture build (tests/helpers/fixture-build.ts; `agent-skills` is one of its premium chapters): what the
 * publisher uploaded is what the store returns; a republished chapter is picked up after the
 * revalidation interval via a conditional GET (If-None-Match → 304 while unchanged); and the real
 * server with CONTENT_STORE=r2 serves a premium chapter to a premium learner from the bucket alone.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../../src/publish/publish.ts';
import { r2ContentStore, s3ClientFor } from '../../../src/server/content-store-r2.ts';
import { assertBuilt, Client, DIST_DIR, startServer } from '../../helpers/server.ts';
import { recorder, S3RVER_KEY, startS3, type TestS3 } from './s3-server.ts';

const PUBLIC = 'store-site';
const PRIVATE = 'store-private';
const PREFIX = 'live/';
const CHAPTER_KEY = `/${PRIVATE}/${PREFIX}chapters/agent-skills.json`;

let s3: TestS3;
let relay: Awaited<ReturnType<typeof recorder>>;
let work: string;
let privateDir: string;

const readJson = (rel: string) => JSON.parse(readFileSync(path.join(privateDir, rel), 'utf8'));

async function publishPrivate() {
	const client = s3ClientFor({ endpoint: s3.endpoint, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY });
	try {
		return await publish({ client, targets: [{ name: 'private', dir: privateDir, bucket: PRIVATE, prefix: PREFIX }] });
	} finally {
		client.destroy();
	}
}

beforeAll(async () => {
	assertBuilt();
	work = mkdtempSync(path.join(os.tmpdir(), 'cc-store-r2-'));
	privateDir = path.join(work, 'private');
	cpSync(path.join(DIST_DIR, 'private'), privateDir, { recursive: true });
	s3 = await startS3();
	await s3.createBucket(PUBLIC);
	await s3.createBucket(PRIVATE);
	relay = await recorder(s3.endpoint);
	const first = await publishPrivate();
	expect(first.targets[0]?.uploaded.length).toBeGreaterThan(10);
});

afterAll(async () => {
	await relay?.close();
	await s3?.stop();
	if (work) rmSync(work, { recursive: true, force: true });
});

describe('r2ContentStore against an S3 server', () => {
	it('reads the manifest, a chapter and a quiz key; revalidates with If-None-Match; sees a republished chapter', async () => {
		let clock = 1_000_000;
		const store = r2ContentStore(
			{ ...s3.env({ publicBucket: PUBLIC, privateBucket: PRIVATE, prefix: PREFIX }, relay.endpoint) },
			() => clock,
		);
		relay.log.length = 0;

		expect(await store.manifest()).toEqual(readJson('manifest.json'));
		expect(await store.chapter('agent-skills')).toEqual(readJson('chapters/agent-skills.json'));
		expect(await store.quizKey('agent-skills')).toEqual(readJson('quizzes/agent-skills.json'));
		expect(relay.log.map((r) => [r.method, r.path, r.status, r.ifNoneMatch])).toEqual([
			['GET', `/${PRIVATE}/${PREFIX}manifest.json`, 200, undefined],
			['GET', CHAPTER_KEY, 200, undefined],
			['GET', `/${PRIVATE}/${PREFIX}quizzes/agent-skills.json`, 200, undefined],
		]);

		// Within the interval: served from memory, nothing sent.
		clock += 29_000;
		await store.chapter('agent-skills');
		expect(relay.log).toHaveLength(3);

		// After it: a conditional GET, answered 304, same value.
		clock += 2_000;
		const before = await store.chapter('agent-skills');
		expect(before).toEqual(readJson('chapters/agent-skills.json'));
		const revalidation = relay.log.at(-1);
		expect(revalidation).toMatchObject({ method: 'GET', status: 304 });
		expect(revalidation?.ifNoneMatch).toMatch(/^"[0-9a-f]{32}"$/);
		const oldEtag = revalidation?.ifNoneMatch;

		// Republish a changed chapter.
		const changed = readJson('chapters/agent-skills.json');
		changed.html = `<p>Revised edition.</p>${changed.html}`;
		changed.sections[0].markdown = `Revised edition. ${changed.sections[0].markdown}`;
		writeFileSync(path.join(privateDir, 'chapters/agent-skills.json'), `${JSON.stringify(changed)}\n`);
		const republished = await publishPrivate();
		expect(republished.targets[0]?.uploaded).toEqual([`${PREFIX}chapters/agent-skills.json`]);

		// Still the cached copy until the interval passes…
		clock += 10_000;
		expect((await store.chapter('agent-skills'))?.html).toBe(before?.html);
		// …then the new text, fetched with the old ETag and answered 200.
		clock += 21_000;
		expect(await store.chapter('agent-skills')).toEqual(changed);
		expect(relay.log.at(-1)).toMatchObject({ method: 'GET', status: 200, ifNoneMatch: oldEtag });
		// And it is cached under its new ETag: the next revalidation is a 304 again.
		clock += 31_000;
		expect(await store.chapter('agent-skills')).toEqual(changed);
		expect(relay.log.at(-1)?.status).toBe(304);
		expect(relay.log.at(-1)?.ifNoneMatch).not.toBe(oldEtag);
	});

	it('returns null for an unknown chapter or quiz, and never turns a bad id into a key', async () => {
		let clock = 5_000_000;
		const store = r2ContentStore(s3.env({ publicBucket: PUBLIC, privateBucket: PRIVATE, prefix: PREFIX }, relay.endpoint), () => clock);
		relay.log.length = 0;
		expect(await store.chapter('no-such-chapter')).toBeNull();
		expect(await store.quizKey('no-such-quiz')).toBeNull();
		expect(relay.log.map((r) => r.status)).toEqual([404, 404]);
		// A miss is remembered for the interval too.
		expect(await store.chapter('no-such-chapter')).toBeNull();
		expect(relay.log).toHaveLength(2);
		clock += 31_000;
		expect(await store.chapter('no-such-chapter')).toBeNull();
		expect(relay.log).toHaveLength(3);
		// Ids that are not slugs never reach the bucket.
		expect(await store.chapter('../manifest')).toBeNull();
		expect(await store.quizKey('agent-skills/../../x')).toBeNull();
		expect(relay.log).toHaveLength(3);
	});

	it('the production server with CONTENT_STORE=r2 serves a premium chapter from the bucket', async () => {
		relay.log.length = 0;
		const server = await startServer({
			env: {
				CONTENT_STORE: 'r2',
				...s3.env({ publicBucket: PUBLIC, privateBucket: PRIVATE, prefix: PREFIX }, relay.endpoint),
				PRIVATE_CONTENT_DIR: path.join(work, 'no-local-artifact'),
			},
		});
		try {
			const premium = new Client(server.url);
			await premium.login('premium@demo.test');
			const res = await premium.get('/api/v1/chapters/agent-skills/content');
			expect(res.status, res.text).toBe(200);
			expect(res.json.chapterId).toBe('agent-skills');
			expect(res.json.tier).toBe('premium');
			// The text is the republished one, which exists only in the bucket.
			const inBucket = readJson('chapters/agent-skills.json');
			expect(res.json.sections[0].markdown).toMatch(/^Revised edition\. /);
			expect(res.json.sections[0].markdown).toBe(inBucket.sections[0].markdown);
			expect(relay.log.some((r) => r.method === 'GET' && r.path === CHAPTER_KEY && r.status === 200)).toBe(true);

			const free = new Client(server.url);
			await free.login('free@demo.test');
			expect((await free.get('/api/v1/chapters/agent-skills/content')).status).toBe(403);
			expect((await premium.get('/api/v1/chapters/no-such-chapter/content')).status).toBe(404);
		} finally {
			await server.stop();
		}
	}, 120_000);
});
