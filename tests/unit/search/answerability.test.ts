/**
 * How the search decides that the course answers a question at all: relaxation drops a word the course never
 * uses when the known words carry the query, and the known words must stand together in one sentence of a best
 * hit. On the bicycle fixture course, with the ranker's defaults.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCourse } from '../../../src/content/compile.ts';
import { buildSearchIndexData, type SearchIndexData } from '../../../src/search/index-builder.ts';
import { createSearcher, DEFAULT_RANKER, type Searcher } from '../../../src/search/search.ts';
import { baseForms } from '../../../src/search/text.ts';

let data: SearchIndexData;
let searcher: Searcher;
const all = { limit: 3, canRead: () => true };

beforeAll(async () => {
	data = buildSearchIndexData(await compileCourse(path.resolve('tests/fixtures/courses/bicycle')));
	searcher = createSearcher(data);
});

describe('query relaxation', () => {
	it('drops a word the course never uses when the rest of a long question carries it', () => {
		const q = 'what torque should the stem bolts get so the glorpway does not crack';
		expect(searcher.read(q).unknownWords).toEqual(['glorpway']);
		expect(searcher.search(q, all)[0]?.heading).toMatch(/torque/i);
		// Without relaxation the one unknown word refuses the whole question.
		expect(createSearcher(data, { ...DEFAULT_RANKER, relaxShare: 2 }).search(q, all)).toEqual([]);
	});

	it('keeps a short query whose unknown word is what it asks about refused', () => {
		expect(searcher.search('chain zorblax', all)).toEqual([]);
		expect(searcher.search('chain', all).length).toBeGreaterThan(0);
	});
});

describe('words that stand together', () => {
	it('refuses a neighbouring subject told in the course’s own words, scattered over its sentences', () => {
		const q = 'how to change the oil in my car';
		expect(searcher.read(q).unknownWords).toEqual([]);
		expect(searcher.search(q, all)).toEqual([]);
		// The same words pass coverage: only the sentence check refuses them.
		expect(createSearcher(data, { ...DEFAULT_RANKER, minTogether: 0 }).search(q, all).length).toBeGreaterThan(0);
	});

	it('answers a question whose words one passage names side by side', () => {
		const hits = searcher.search('how do i measure chain wear', all);
		expect(hits[0]?.chapterId).toBe('drivetrain');
	});
});

describe('baseForms', () => {
	it('lists the word, then what WordNet’s detachment rules make of it', () => {
		expect(baseForms('rodents')).toEqual(['rodents', 'rodent']);
		expect(baseForms('doubleing')).toContain('double');
		expect(baseForms('stopped')).toContain('stop');
		expect(baseForms('carried')).toContain('carry');
		expect(baseForms('bus')).toEqual(['bus']);
	});
});
