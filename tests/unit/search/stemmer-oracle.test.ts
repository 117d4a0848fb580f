/**
 * Our Porter2 stemmer against the reference: the Snowball project's English stemmer as published in the
 * `snowball-stemmers` package (a test-only dependency), over every word of every course the tests know and
 * of the search questions. Ours stays at run time because it gives the same stems about four times faster
 * with no dependency (docs/decisions/0005-search.md); this test is what makes that claim hold.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stem } from '../../../src/search/stemmer.ts';

const snowball = createRequire(import.meta.url)('snowball-stemmers') as {
	newStemmer(language: string): { stem(word: string): string };
};
const reference = snowball.newStemmer('english');

function wordsUnder(dir: string, into: Set<string>): Set<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const file = path.join(dir, entry.name);
		if (entry.isDirectory()) wordsUnder(file, into);
		else if (/\.(md|ya?ml)$/.test(entry.name)) {
			for (const word of readFileSync(file, 'utf8')
				.toLowerCase()
				.match(/[a-z]+/g) ?? [])
				into.add(word);
		}
	}
	return into;
}

describe('the Porter2 stemmer', () => {
	const words = wordsUnder('tests/fixtures/courses', wordsUnder('tests/fixtures/search-eval', new Set()));

	it('gives the reference stem for every word of the fixture courses and search questions', () => {
		expect(words.size).toBeGreaterThan(3000);
		const different = [...words].filter((w) => stem(w) !== reference.stem(w)).map((w) => `${w}: ${stem(w)} ≠ ${reference.stem(w)}`);
		expect(different).toEqual([]);
	});

	it("gives the reference stem for the definition's own hard cases", () => {
		const cases = [
			'generously',
			'consign',
			'knightly',
			'skies',
			'dying',
			'news',
			'inning',
			'succeeding',
			'arsenal',
			'communism',
			'cried',
			'hopping',
			'luxuriate',
		];
		for (const word of cases) expect(stem(word), word).toBe(reference.stem(word));
	});
});
