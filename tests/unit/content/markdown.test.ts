import { describe, expect, it } from 'vitest';
import { countWords, splitLongText, splitSections, topLevelHeadingLines } from '../../../src/content/markdown.ts';

const lines = (...l: string[]) => l.join('\n');

describe('splitSections', () => {
	it('splits at ##, ### and #### and keeps the introduction as a depth-1 section', () => {
		const body = lines(
			'Intro text.',
			'',
			'## First',
			'One.',
			'',
			'### Sub',
			'Two.',
			'',
			'#### Deeper',
			'Three.',
			'##### Deepest',
			'Five.',
			'## Second ##',
			'Four.',
		);
		expect(splitSections(body)).toEqual([
			{ depth: 1, heading: '', markdown: 'Intro text.', line: 1 },
			{ depth: 2, heading: 'First', markdown: 'One.', line: 3 },
			{ depth: 3, heading: 'Sub', markdown: 'Two.', line: 6 },
			// ##### is not a section boundary: it stays in the text of its #### section
			{ depth: 4, heading: 'Deeper', markdown: 'Three.\n##### Deepest\nFive.', line: 9 },
			// closing #s are not part of the heading
			{ depth: 2, heading: 'Second', markdown: 'Four.', line: 13 },
		]);
	});

	it('drops an empty introduction', () => {
		expect(splitSections(lines('## Only', 'Text.')).map((s) => s.heading)).toEqual(['Only']);
	});

	it('ignores headings inside ``` and ~~~ fences', () => {
		const body = lines('## Real', '```bash', '## not a heading', '# nor this', '```', '~~~', '### not either', '~~~', 'after');
		const sections = splitSections(body);
		expect(sections.map((s) => s.heading)).toEqual(['Real']);
		expect(sections[0]?.markdown).toContain('## not a heading');
		expect(sections[0]?.markdown).toContain('### not either');
		expect(sections[0]?.markdown.endsWith('after')).toBe(true);
	});

	it('keeps a ```` fence open across an inner ``` example, and a ~~~ fence across ```', () => {
		const body = lines(
			'## Outer',
			'````md',
			'```',
			'## inside the example',
			'```',
			'````',
			'~~~',
			'```',
			'## still code',
			'~~~',
			'## Next',
		);
		expect(splitSections(body).map((s) => s.heading)).toEqual(['Outer', 'Next']);
	});
});

describe('topLevelHeadingLines', () => {
	it('finds # headings outside code, with their 1-based line', () => {
		expect(topLevelHeadingLines(lines('Intro', '# Title', '## Section', '#hashtag is not a heading', '   # indented'))).toEqual([2, 5]);
	});

	it('ignores # lines in fenced code, including a ```` fence that shows ``` examples', () => {
		const body = lines('```python', '# a comment', '```', '````md', '```', '# Title inside an example', '```', '````', '# Real');
		expect(topLevelHeadingLines(body)).toEqual([9]);
	});
});

describe('splitLongText', () => {
	const para = (label: string, n: number) => `${label} ${'word '.repeat(n)}`.trim();

	it('returns short text unchanged, in one part', () => {
		expect(splitLongText('short', 100)).toEqual(['short']);
	});

	it('splits at paragraph boundaries, every part within the max, losing nothing', () => {
		const paragraphs = Array.from({ length: 40 }, (_, i) => para(`p${i}`, 5 + (i % 7) * 3));
		const text = paragraphs.join('\n\n');
		const max = 200;
		const parts = splitLongText(text, max);
		expect(parts.length).toBeGreaterThan(3);
		for (const part of parts) expect(part.length).toBeLessThanOrEqual(max);
		expect(parts.join('\n\n')).toBe(text);
		// no paragraph was cut in half
		for (const part of parts) for (const p of part.split('\n\n')) expect(paragraphs).toContain(p);
	});

	it('never splits inside a fenced code block, even one with blank lines', () => {
		const fence = lines('```ts', 'const a = 1;', '', 'const b = 2;', '', 'const c = 3;', '```');
		const text = [para('before', 8), para('more', 8), fence, para('after', 8), para('last', 8)].join('\n\n');
		// from the longest paragraph (46) upwards: a paragraph is never cut, so a smaller max cannot be met
		for (const max of [46, 60, 100, 140]) {
			const parts = splitLongText(text, max);
			expect(parts.join('\n\n')).toBe(text);
			const withFence = parts.filter((p) => p.includes('```'));
			expect(withFence).toHaveLength(1);
			expect(withFence[0]).toContain(fence);
			// parts without the fence respect the max; the fence part exceeds it only because the fence itself does
			for (const part of parts) if (!part.includes('```')) expect(part.length).toBeLessThanOrEqual(max);
		}
	});

	it('never splits inside a ~~~ fence either', () => {
		const fence = lines('~~~', 'x', '', 'y', '~~~');
		const parts = splitLongText([para('a', 5), fence, para('b', 5)].join('\n\n'), 12);
		expect(parts.filter((p) => p.includes('~~~'))).toEqual([fence]);
	});

	it('keeps every section of the real limit within it for long prose', () => {
		const text = Array.from({ length: 300 }, (_, i) => para(`p${i}`, 20 + (i % 11) * 9)).join('\n\n');
		const parts = splitLongText(text, 12_000);
		expect(text.length).toBeGreaterThan(30_000);
		expect(parts.length).toBeGreaterThanOrEqual(3);
		for (const part of parts) expect(part.length).toBeLessThanOrEqual(12_000);
	});
});

describe('countWords', () => {
	it('counts words and numbers, not punctuation or markdown symbols', () => {
		expect(countWords('Hello, world! — it is 2026. ## * - |')).toBe(5);
		expect(countWords('')).toBe(0);
		expect(countWords('Ünïcode wörds, 日本語 count')).toBe(4);
	});

	it('leaves fenced code out of the count (``` and ~~~)', () => {
		const body = lines('Three words here.', '```js', 'const lots = of(code, words);', '```', '~~~', 'more code words', '~~~', 'Two more.');
		expect(countWords(body)).toBe(5);
	});
});
