/**
 * The build test's leak scanner must be able to fail: planted leaks in every format it reads
 * (HTML with markup and entities, JSON with escapes and raw markdown, JS strings, gzip Pagefind
 * fragments with and without their header, a truncated gzip stream) are all found.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { markdownSentences, readPublicText, scanForLeaks } from '../../helpers/leak-scan.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-leak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET_MARKDOWN =
	'The **retry budget** can\'t exceed "three attempts" -- see [the guardrails chapter](/chapters/safety-and-guardrails#budgets) for why & when.';
const SECRET = markdownSentences(SECRET_MARKDOWN, 60);

function plant(name: string, content: string | Buffer): string {
	const file = path.join(dir, name);
	writeFileSync(file, content);
	return file;
}

/** How the same sentence looks once rendered: smart quotes, en dash, entities, inline tags. */
const RENDERED =
	'The <strong>retry budget</strong> can’t exceed “three attempts” – see <a href="/chapters/safety-and-guardrails/#budgets">the guardrails chapter</a> for why &amp; when.';

describe('scanForLeaks', () => {
	it('extracts the secret as one plain sentence', () => {
		expect(SECRET).toEqual(['The **retry budget** can\'t exceed "three attempts" -- see the guardrails chapter for why & when.']);
	});

	const leaked = {
		'rendered HTML': () => plant('page.html', `<html><body><article><p>${RENDERED}</p></article></body></html>`),
		'HTML with numeric entities': () => plant('entities.html', `<p>${RENDERED.replace('’', '&#x2019;').replace('“', '&#8220;')}</p>`),
		'JSON holding raw markdown': () =>
			plant('chapter.json', JSON.stringify({ sections: [{ markdown: `Intro.\n\n${SECRET_MARKDOWN}\n\nMore.` }] })),
		'a JS string with escapes': () => plant('bundle.js', `const s = ${JSON.stringify(RENDERED).replace('’', '\\u2019')};`),
		'a gzip Pagefind fragment with its pagefind_dcd header': () =>
			plant(
				'en_1234567.pf_fragment',
				gzipSync(
					Buffer.concat([
						Buffer.from('pagefind_dcd'),
						Buffer.from(JSON.stringify({ url: '/x/', content: `Chapter 4. ${RENDERED.replace(/<[^>]+>/g, '')}` })),
					]),
				),
			),
		'a gzip file without the header': () => plant('en_7654321.pf_index', gzipSync(Buffer.from(`words ${RENDERED} words`))),
		'a truncated gzip stream': () => {
			const full = gzipSync(Buffer.from(`<p>${RENDERED}</p>${'padding '.repeat(200)}`));
			return plant('en_truncated.pf_fragment', full.subarray(0, full.length - 12));
		},
	};

	for (const [kind, make] of Object.entries(leaked)) {
		it(`finds a premium sentence leaked in ${kind}`, () => {
			const file = make();
			const result = scanForLeaks([file], [{ source: 'secret', text: SECRET[0] as string }]);
			expect(result.leaks).toEqual([{ file, source: 'secret', text: SECRET[0] }]);
			expect(result.filesScanned).toBe(1);
		});
	}

	it('reads gzip Pagefind files as their decompressed text, without the header', () => {
		const file = plant('en_abc.pf_fragment', gzipSync(Buffer.from('pagefind_dcd{"url":"/a/"}')));
		expect(readPublicText(file)).toBe('{"url":"/a/"}');
	});

	it('reports nothing for files that only share words with the secret', () => {
		const clean = [
			plant('clean.html', '<p>The retry budget is covered in a premium chapter. Three attempts is a common default.</p>'),
			plant('clean.pf_fragment', gzipSync(Buffer.from('pagefind_dcd{"content":"retry budget three attempts guardrails chapter"}'))),
		];
		expect(scanForLeaks(clean, [{ source: 'secret', text: SECRET[0] as string }]).leaks).toEqual([]);
	});
});

describe('markdownSentences', () => {
	it('keeps prose and list items, drops code, tables, headings and link targets, and applies the minimum length', () => {
		const md = [
			'## A heading that is long enough to be a sentence if it were counted',
			'',
			'First sentence of the paragraph is quite long, long enough to count here. Short one.',
			'It continues on a wrapped line and ends with a [link](/chapters/x#y) in the middle of it.',
			'',
			'- A list item that is long enough to be checked as its own sentence too',
			'',
			'```python',
			'print("a line of code that is long enough but must never be taken as prose")',
			'```',
			'',
			'| a table row | that is long enough to count but is not prose at all here |',
		].join('\n');
		expect(markdownSentences(md, 60)).toEqual([
			'First sentence of the paragraph is quite long, long enough to count here.',
			'It continues on a wrapped line and ends with a link in the middle of it.',
			'A list item that is long enough to be checked as its own sentence too',
		]);
	});
});
