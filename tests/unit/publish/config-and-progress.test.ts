import { describe, expect, it } from 'vitest';
import { parsePublishConfig } from '../../../src/publish/config.ts';
import { createProgress, runPool } from '../../../src/publish/progress.ts';

const valid = {
	R2_ENDPOINT: 'https://0123456789abcdef.r2.cloudflarestorage.com',
	R2_ACCESS_KEY_ID: 'id',
	R2_SECRET_ACCESS_KEY: 'secret',
	R2_PUBLIC_BUCKET: 'course-site',
	R2_PRIVATE_BUCKET: 'course-private',
};

describe('parsePublishConfig', () => {
	it('accepts a complete configuration; the prefix defaults to empty', () => {
		const result = parsePublishConfig(valid);
		expect(result).toEqual({ ok: true, config: { ...valid, R2_PRIVATE_PREFIX: '' } });
	});

	it('lists every missing variable, treating empty strings (unset CI secrets) as missing', () => {
		const result = parsePublishConfig({ R2_ENDPOINT: '', R2_PUBLIC_BUCKET: 'course-site' });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems).toEqual([
			'R2_ENDPOINT is required',
			'R2_ACCESS_KEY_ID is required',
			'R2_SECRET_ACCESS_KEY is required',
			'R2_PRIVATE_BUCKET is required',
		]);
	});

	it.each([
		[{ R2_ENDPOINT: 'not a url' }, 'R2_ENDPOINT must be a URL'],
		[{ R2_ENDPOINT: 'http://acct.r2.cloudflarestorage.com' }, 'R2_ENDPOINT must use https'],
		[{ R2_ENDPOINT: 'https://acct.r2.cloudflarestorage.com/course-site' }, 'R2_ENDPOINT must be the account endpoint only'],
		[{ R2_PUBLIC_BUCKET: 'Course_Site' }, 'R2_PUBLIC_BUCKET must be a bucket name'],
		[{ R2_PRIVATE_PREFIX: 'v1' }, 'R2_PRIVATE_PREFIX must end with "/"'],
		[{ R2_PRIVATE_PREFIX: '/v1/' }, 'R2_PRIVATE_PREFIX must end with "/"'],
		[{ R2_PRIVATE_BUCKET: 'course-site' }, 'R2_PRIVATE_BUCKET must differ from R2_PUBLIC_BUCKET'],
	])('rejects %o', (change, message) => {
		const result = parsePublishConfig({ ...valid, ...change });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problems.join('\n')).toContain(message);
	});

	it('allows plain http only for a local test server', () => {
		expect(parsePublishConfig({ ...valid, R2_ENDPOINT: 'http://127.0.0.1:9000' }).ok).toBe(true);
		expect(parsePublishConfig({ ...valid, R2_ENDPOINT: 'http://localhost:9000' }).ok).toBe(true);
	});

	it('reports the same-bucket problem together with other problems', () => {
		const result = parsePublishConfig({ ...valid, R2_ACCESS_KEY_ID: '', R2_PRIVATE_BUCKET: 'course-site' });
		expect(result.ok ? [] : result.problems).toEqual([
			'R2_ACCESS_KEY_ID is required',
			'R2_PRIVATE_BUCKET must differ from R2_PUBLIC_BUCKET (the public bucket is world-readable)',
		]);
	});
});

describe('createProgress', () => {
	it('rewrites one line on a terminal and clears it at the end', () => {
		let out = '';
		const progress = createProgress({ isTTY: true, columns: 80, write: (t) => (out += t) }, 2);
		progress.step('uploading', 'site/index.html');
		progress.step('deleting', 'site/old.html');
		progress.done();
		expect(out).toBe('\r[1/2] uploading site/index.html\x1b[K\r[2/2] deleting site/old.html\x1b[K\r\x1b[K');
	});

	it('truncates to the terminal width', () => {
		let out = '';
		createProgress({ isTTY: true, columns: 30, write: (t) => (out += t) }, 1).step('uploading', 'x'.repeat(100));
		expect(out.replace('\x1b[K', '').length).toBe(1 + 29);
		expect(out).toContain('…');
	});

	it('writes plain lines when not a terminal (CI logs)', () => {
		let out = '';
		const progress = createProgress({ write: (t) => (out += t) }, 2);
		progress.step('uploading', 'a');
		progress.step('uploading', 'b');
		progress.done();
		expect(out).toBe('[1/2] uploading a\n[2/2] uploading b\n');
	});
});

describe('runPool', () => {
	it('never runs more than the limit at once and runs every item', async () => {
		let inFlight = 0;
		let peak = 0;
		const done: number[] = [];
		await runPool(
			Array.from({ length: 30 }, (_, i) => i),
			8,
			async (i) => {
				inFlight += 1;
				peak = Math.max(peak, inFlight);
				await new Promise((r) => setTimeout(r, 1 + (i % 3)));
				inFlight -= 1;
				done.push(i);
			},
		);
		expect(peak).toBe(8);
		expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
	});

	it('stops starting new tasks after a failure and throws the first error', async () => {
		const started: number[] = [];
		const run = runPool(
			Array.from({ length: 20 }, (_, i) => i),
			2,
			async (i) => {
				started.push(i);
				await new Promise((r) => setTimeout(r, 2));
				if (i === 1) throw new Error('boom 1');
			},
		);
		await expect(run).rejects.toThrow('boom 1');
		expect(started.length).toBeLessThanOrEqual(3);
	});

	it('does nothing for no items', async () => {
		await expect(runPool([], 8, async () => {})).resolves.toBeUndefined();
	});
});
