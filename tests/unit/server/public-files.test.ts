/**
 * The production server's public files (src/server/http/public-files.ts): a file is read when it is first
 * asked for, then answered from memory; files over the size limit, past the total budget, or of other types
 * stay with sirv, which reads the disk every time. A file rewritten with the same length tells the two apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publicFiles } from '../../../src/server/http/public-files.ts';

let dir = '';
let server: http.Server | null = null;

afterEach(async () => {
	server?.closeAllConnections();
	await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
	server = null;
	rmSync(dir, { recursive: true, force: true });
});

async function serve(files: Record<string, string>, limits: { maxFile?: number; maxTotal?: number } = {}) {
	dir = mkdtempSync(path.join(tmpdir(), 'cc-public-'));
	for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
	const publicDir = publicFiles(dir, [['X-Content-Type-Options', 'nosniff']], limits);
	server = http.createServer((req, res) => {
		const found = publicDir.fromMemory(req, res, 'req-1');
		if (found === 'on disk') {
			publicDir.fromDisk(req, res, () => {
				res.statusCode = 404;
				res.end('next');
			});
		} else if (found === 'none') {
			res.statusCode = 404;
			res.end('none');
		}
	});
	await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return async (pathname: string) => {
		const res = await fetch(`http://127.0.0.1:${port}${pathname}`);
		return { status: res.status, body: await res.text() };
	};
}

const rewrite = (name: string, text: string) => writeFileSync(path.join(dir, name), text);

describe('public files', () => {
	it('reads a file on its first request, not at start, and answers it from memory after', async () => {
		const get = await serve({ 'a.json': 'AAAA' });
		rewrite('a.json', 'BBBB');
		expect(await get('/a.json')).toEqual({ status: 200, body: 'BBBB' });
		rewrite('a.json', 'CCCC');
		expect(await get('/a.json')).toEqual({ status: 200, body: 'BBBB' });
		expect((await get('/missing.json')).status).toBe(404);
	});

	it('leaves files over the size limit, past the total budget and of other types to sirv', async () => {
		const get = await serve(
			{ 'big.json': 'BIGBIG', 'one.json': 'ONE1', 'two.json': 'TWO2', 'pic.png': 'PNG1' },
			{ maxFile: 5, maxTotal: 6 },
		);
		expect(await get('/one.json')).toEqual({ status: 200, body: 'ONE1' });
		expect(await get('/two.json')).toEqual({ status: 200, body: 'TWO2' });
		expect(await get('/big.json')).toEqual({ status: 200, body: 'BIGBIG' });
		expect(await get('/pic.png')).toEqual({ status: 200, body: 'PNG1' });
		for (const [name, text] of [
			['one.json', 'one1'],
			['two.json', 'two2'],
			['big.json', 'bigbig'],
			['pic.png', 'png1'],
		]) {
			rewrite(name as string, text as string);
		}
		// Kept: the first within the budget. From disk: the one past the budget, the big one, the image.
		expect((await get('/one.json')).body).toBe('ONE1');
		expect((await get('/two.json')).body).toBe('two2');
		expect((await get('/big.json')).body).toBe('bigbig');
		expect((await get('/pic.png')).body).toBe('png1');
	});

	it('serves from disk a file whose name on disk is not the normalised one, or holds characters a URL escapes', async () => {
		// "café" as macOS may write it (e + combining accent), asked for as the NFC a browser sends.
		const decomposed = 'cafe\u0301.png';
		const get = await serve({ [decomposed]: 'NFD1', 'a&b=c d%.png': 'ODD1', 'page.html': 'PAGE' });
		expect(await get(`/${encodeURIComponent('café.png')}`)).toEqual({ status: 200, body: 'NFD1' });
		expect(await get(`/${encodeURI('a&b=c d%.png')}?v=1`)).toEqual({ status: 200, body: 'ODD1' });
		// sirv's own lookup order still applies (here through the extension the listing found).
		expect(await get('/page')).toEqual({ status: 200, body: 'PAGE' });
		expect((await get('/.hidden.png')).status).toBe(404);
	});
});
