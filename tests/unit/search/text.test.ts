import { describe, expect, it } from 'vitest';
import {
	americanSpelling,
	analyze,
	isStopWord,
	phraseVariants,
	splitWords,
	stem,
	stemToken,
	stripMarkdown,
	tokenize,
} from '../../../src/search/text.ts';

describe('tokenize', () => {
	it('lowercases and splits on whitespace and punctuation', () => {
		expect(tokenize('How does the Agent Loop work?')).toEqual(['how', 'does', 'the', 'agent', 'loop', 'work']);
	});

	it('keeps short technical tokens such as "mcp" and "a2a"', () => {
		expect(tokenize('MCP vs A2A (2025)')).toEqual(['mcp', 'vs', 'a2a', '2025']);
	});

	it('splits compounds into parts and also emits the glued form', () => {
		expect(tokenize('JSON-RPC')).toEqual(['json', 'rpc', 'jsonrpc']);
		expect(tokenize('tool_use and SKILL.md')).toEqual(['tool', 'use', 'tooluse', 'and', 'skill', 'md', 'skillmd']);
		expect(tokenize('pass@k or pass^k')).toEqual(['pass', 'k', 'passk', 'or', 'pass', 'k', 'passk']);
	});

	it('can leave the glued form out', () => {
		expect(tokenize('json-rpc', { joined: false })).toEqual(['json', 'rpc']);
	});

	it('drops possessive apostrophes and closes contractions', () => {
		expect(tokenize("the agent's memory, don't")).toEqual(['the', 'agent', 'memory', 'dont']);
		expect(tokenize('the model\u2019s answer')).toEqual(['the', 'model', 'answer']);
	});

	it('folds accents and keeps letters of other scripts', () => {
		expect(tokenize('naïve café')).toEqual(['naive', 'cafe']);
		expect(tokenize('Größe 東京')).toEqual(['große', '東京']);
	});

	it('ignores sentence-ending dots and punctuation runs', () => {
		expect(tokenize('Done. Next... (see: tools)')).toEqual(['done', 'next', 'see', 'tools']);
	});
});

describe('splitWords', () => {
	it('keeps the parts of each compound together', () => {
		expect(splitWords('JSON-RPC over stdio, tool_use')).toEqual([['json', 'rpc'], ['over'], ['stdio'], ['tool', 'use']]);
	});
});

describe('americanSpelling', () => {
	it('maps British -ise/-yse forms to -ize/-yze so both spellings meet', () => {
		expect(americanSpelling('summarise')).toBe('summarize');
		expect(americanSpelling('organisation')).toBe('organization');
		expect(americanSpelling('analysed')).toBe('analyzed');
		expect(stemToken('summarising')).toBe(stemToken('summarizing'));
		expect(stemToken('organisational')).toBe(stemToken('organizational'));
	});

	it('leaves short and unrelated words alone', () => {
		for (const w of ['rise', 'wise', 'is', 'this', 'basis', 'crisis', 'list', 'listed']) expect(americanSpelling(w)).toBe(w);
	});
});

describe('phraseVariants', () => {
	it('gives the split and the glued spelling of compounds', () => {
		expect(phraseVariants('multi-agent system')).toEqual([
			['multi', 'agent', 'system'],
			['multiag', 'system'],
		]);
		expect(phraseVariants('prompt injection')).toEqual([['prompt', 'inject']]);
	});

	it('drops the split form when it would lose a stop-word part', () => {
		expect(phraseVariants('to-do list')).toEqual([['todo', 'list']]);
	});
});

describe('stop words', () => {
	it('covers function words but not course vocabulary', () => {
		for (const w of ['the', 'how', 'what', 'should', 'i', 'do', 'dont', 'vs', 'versus']) expect(isStopWord(w)).toBe(true);
		for (const w of ['use', 'call', 'run', 'stop', 'first', 'tool', 'agent', 'mcp']) expect(isStopWord(w)).toBe(false);
	});
});

describe('stripMarkdown', () => {
	it('removes fence markers and link targets but keeps code identifiers and link text', () => {
		const md = [
			'## Heading',
			'',
			'See [the spec](https://example.com/spec) and <https://example.com>.',
			'',
			'```python',
			'def get_order_status(order_id): ...',
			'```',
			'',
			'- **Bold** item with `tool_choice`',
			'| a | b |',
			'|---|---|',
		].join('\n');
		const text = stripMarkdown(md);
		expect(text).not.toMatch(/```|python|https|example|\*\*|`|\|/);
		expect(text).toContain('Heading');
		expect(text).toContain('the spec');
		expect(text).toContain('def get_order_status(order_id)');
		expect(text).toContain('Bold item with tool_choice');
	});

	it('drops HTML tags but keeps their text', () => {
		expect(stripMarkdown('<details><summary>More</summary>inside</details>')).toBe('More inside');
	});
});

describe('analyze', () => {
	it('drops stop words and stems what is left', () => {
		expect(analyze('How do I stop an agent from looping forever?')).toEqual(['stop', 'agent', 'loop', 'forev']);
		expect(analyze('Calling tools; the tool called')).toEqual(['call', 'tool', 'tool', 'call']);
	});
});

describe('stem (Porter2)', () => {
	// Pairs from the Snowball project's English test vocabulary (snowballstem/snowball-data).
	const cases = `abandoned:abandon abandonment:abandon abasement:abas abbreviation:abbrevi abdominal:abdomin abed:abe
		abeyance:abey abhorred:abhor abhorrence:abhorr abilities:abil able:abl abnormally:abnorm abodes:abod
		above:abov absorbent:absorb absorption:absorpt accidental:accident accidents:accid accompanied:accompani
		accountability:account accuracy:accuraci accurately:accur acquittal:acquitt acquitted:acquit acutely:acut
		adage:adag adas:ada added:ad adding:ad adds:add administration:administr admiralty:admiralti frosty:frosti
		fry:fri frying:fri fulfilment:fulfil fullness:full fully:fulli fulness:ful fumed:fume fuming:fume
		funereal:funer fungus:fungus furs:fur fussily:fussili futures:futur gaieties:gaieti gaily:gaili gas:gas
		gases:gase gaspingly:gasp generality:general generalization:general generate:generat generosity:generos
		generously:generous genteelly:genteelli gentleness:gentl geologically:geolog geologize:geolog gettings:get
		ghastly:ghast repository:repositori represent:repres representation:represent requirements:requir
		resourcefulness:resourc responsibilities:respons restaurant:restaur retention:retent revolutionized:revolution
		rexes:rex rhinoceroses:rhinoceros rhinoceros:rhinocero ridding:rid riding:ride rigging:rig gently:gentl
		dying:die skies:sky news:news proceed:proceed succeeding:succeed`
		.split(/\s+/)
		.map((pair) => pair.split(':') as [string, string]);
	it.each(cases)('%s → %s', (word, expected) => {
		expect(stem(word)).toBe(expected);
	});

	it('conflates the forms learners type', () => {
		const group = (words: string[]) => new Set(words.map(stem));
		expect(group(['agent', 'agents'])).toEqual(new Set(['agent']));
		expect(group(['loop', 'loops', 'looping', 'looped'])).toEqual(new Set(['loop']));
		expect(group(['evaluate', 'evaluating', 'evaluation', 'evaluations'])).toEqual(new Set(['evalu']));
		expect(group(['summarize', 'summarizing', 'summarization'])).toEqual(new Set(['summar']));
	});

	it('leaves short words, digits and non-Latin words alone', () => {
		expect(stem('as')).toBe('as');
		expect(stem('a2a')).toBe('a2a');
		expect(stem('429')).toBe('429');
		expect(stem('東京')).toBe('東京');
	});
});
