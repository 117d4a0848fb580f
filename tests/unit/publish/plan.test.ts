import { describe, expect, it } from 'vitest';
import { type LocalFile, normalizeEtag, planSync, type RemoteObject, uploadRank, uploadStages } from '../../../src/publish/plan.ts';

const file = (key: string, md5: string, size = 10): LocalFile => ({ key, path: `/dist/${key}`, size, md5, sha256: `sha-${md5}` });
const remote = (key: string, md5: string, size = 10): RemoteObject => ({ key, etag: `"${md5}"`, size });

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('planSync', () => {
	it('uploads new and changed files, skips identical ones, reports stale objects', () => {
		const plan = planSync(
			[file('index.html', A), file('new.html', A), file('changed.css', B), file('resized.js', A, 11)],
			[remote('index.html', A), remote('changed.css', A), remote('resized.js', A, 10), remote('gone.html', A)],
		);
		expect(plan.upload.map((f) => [f.key, f.reason])).toEqual([
			['changed.css', 'changed'],
			['resized.js', 'changed'],
			['new.html', 'new'],
		]);
		expect(plan.skip.map((f) => f.key)).toEqual(['index.html']);
		expect(plan.stale.map((o) => o.key)).toEqual(['gone.html']);
	});

	it('never matches a multipart ETag, and compares ETags without quotes or case', () => {
		const plan = planSync(
			[file('big.bin', A), file('upper.txt', A)],
			[
				{ key: 'big.bin', etag: `"${A}-3"`, size: 10 },
				{ key: 'upper.txt', etag: `"${A.toUpperCase()}"`, size: 10 },
			],
		);
		expect(plan.upload.map((f) => f.key)).toEqual(['big.bin']);
		expect(plan.skip.map((f) => f.key)).toEqual(['upper.txt']);
	});

	it('with force uploads everything and still reports stale objects', () => {
		const plan = planSync([file('index.html', A)], [remote('index.html', A), remote('old.html', A)], { force: true });
		expect(plan.upload.map((f) => f.reason)).toEqual(['forced']);
		expect(plan.skip).toEqual([]);
		expect(plan.stale.map((o) => o.key)).toEqual(['old.html']);
	});

	it('an empty build against an empty bucket is an empty plan', () => {
		expect(planSync([], [])).toEqual({ upload: [], skip: [], stale: [] });
	});

	it('orders uploads: fingerprinted assets, other files, pages, then the private manifest', () => {
		const keys = [
			'v1/manifest.json',
			'index.html',
			'chapters/x/index.html',
			'api/v1/course.json',
			'_astro/Base.abc.css',
			'pagefind/fragment/en_1234567.pf_fragment',
			'robots.txt',
		];
		const plan = planSync(
			keys.map((k) => file(k, A)),
			[],
		);
		expect(plan.upload.map((f) => f.key)).toEqual([
			'_astro/Base.abc.css',
			'pagefind/fragment/en_1234567.pf_fragment',
			'api/v1/course.json',
			'robots.txt',
			'chapters/x/index.html',
			'index.html',
			'v1/manifest.json',
		]);
		expect(uploadRank('course-v1/chapters/a.json')).toBe(1);
	});
});

describe('normalizeEtag', () => {
	it('strips quotes, a weak prefix and case', () => {
		expect(normalizeEtag('"ABC"')).toBe('abc');
		expect(normalizeEtag('W/"abc"')).toBe('abc');
		expect(normalizeEtag(undefined)).toBe('');
	});
});

describe('uploadStages', () => {
	it('groups uploads by rank, in rank order, keeping the order within a stage', () => {
		const stages = uploadStages([
			{ key: '_astro/a.css' },
			{ key: '_astro/b.js' },
			{ key: 'api/v1/course.json' },
			{ key: 'index.html' },
			{ key: 'manifest.json' },
		]);
		expect(stages.map((s) => s.map((f) => f.key))).toEqual([
			['_astro/a.css', '_astro/b.js'],
			['api/v1/course.json'],
			['index.html'],
			['manifest.json'],
		]);
		expect(uploadStages([])).toEqual([]);
	});
});
