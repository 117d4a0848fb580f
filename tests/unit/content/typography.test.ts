/**
 * The typography chapters are rendered with (src/content/markdown/typography.ts), pinned on real cases: the
 * rules remark-smartypants applied before it was replaced, character for character, so a change that alters
 * a published page fails here.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/content/markdown.ts';

const html = async (markdown: string) => (await renderMarkdown(markdown)).html;

describe('typography', () => {
	it('curls double and single quotes, apostrophes and decade abbreviations', async () => {
		expect(await html(`"Hello," she said. It's the baker's dough, not the '80s.`)).toBe(
			'<p>“Hello,” she said. It’s the baker’s dough, not the ’80s.</p>',
		);
		expect(await html(`He said, "'Quoted' words in a larger quote."`)).toBe('<p>He said, “‘Quoted’ words in a larger quote.”</p>');
		expect(await html("``Old style'' quotes")).toBe('<p>“Old style” quotes</p>');
	});

	it('pairs quotes across bold, links and emphasis, and opens a quote at the start of a paragraph', async () => {
		expect(await html(`"**Bold**" and '[a link](https://example.com)' and "*em*"`)).toBe(
			'<p>“<strong>Bold</strong>” and ‘<a href="https://example.com">a link</a>’ and “<em>em</em>”</p>',
		);
		expect(await html('First paragraph ends here\n\n"Second" starts with a quote')).toBe(
			'<p>First paragraph ends here</p>\n<p>“Second” starts with a quote</p>',
		);
	});

	it('turns two dashes into an em dash and three dots (spaced or not) into an ellipsis, nothing else', async () => {
		expect(await html('Wait -- really? Three --- stay, a-b stays.')).toBe('<p>Wait — really? Three --- stay, a-b stays.</p>');
		expect(await html('Wait... and . . . then .. not')).toBe('<p>Wait… and … then .. not</p>');
	});

	it('applies in headings and table cells', async () => {
		expect(await html('## "Proofing" -- why')).toContain('<h2 id="proofing--why">“Proofing” — why</h2>');
		expect(await html(`| "a" | b -- c |\n|---|---|\n| 'd' | e... |`)).toBe(
			'<table>\n<thead>\n<tr>\n<th>“a”</th>\n<th>b — c</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>‘d’</td>\n<td>e…</td>\n</tr>\n</tbody>\n</table>',
		);
	});

	it('leaves inline code and code blocks as written, while quotes around inline code still pair', async () => {
		expect(await html('Inline `"x" -- ...` code, then "quoted `code` inside".')).toBe(
			'<p>Inline <code>"x" -- ...</code> code, then “quoted <code>code</code> inside”.</p>',
		);
		expect(await html('```\n"code" -- stays ...\n```')).toContain('<span class="line">"code" -- stays ...</span>');
	});
});
