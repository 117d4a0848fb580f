/**
 * Spelling correction: a typo becomes the course's word; a common English word stays the learner's unless the
 * course writes it with other vowels alone. Through the real index builder on the fixture courses, and the
 * vocabulary on its own.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCourse } from '../../../src/content/compile.ts';
import { commonEnglishWords } from '../../../src/search/english-words.ts';
import { buildSearchIndexData, type SearchIndexData } from '../../../src/search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex } from '../../../src/search/index-file.ts';
import { createSearcher } from '../../../src/search/search.ts';
import { consonants, spellingVocabulary } from '../../../src/search/spelling.ts';

const course = (name: string) => compileCourse(path.resolve('tests/fixtures/courses', name));
const everyWordOnce = () => 1;

describe('spellingVocabulary', () => {
	it('corrects a misspelling within the edit budget, and a common word only into one with the same consonants', () => {
		const vocabulary = spellingVocabulary(['agent', 'time', 'tyre'], ['tire', 'flat'], everyWordOnce);
		expect(vocabulary.closest('agnet')).toBe('agent');
		// "tire" is one edit from both "time" and "tyre"; only "tyre" differs from it in vowels alone.
		expect(spellingVocabulary(['time'], ['tire'], everyWordOnce).closest('tire')).toBeNull();
		expect(vocabulary.closest('tire')).toBe('tyre');
		// The same word, not known as English, is a typo of the nearest course word.
		expect(spellingVocabulary(['time'], [], everyWordOnce).closest('tire')).toBe('time');
	});

	it('counts an inflection of a common word as English ("fevers" is not "levers")', () => {
		expect(spellingVocabulary(['levers'], ['fever'], everyWordOnce).closest('fevers')).toBeNull();
		expect(spellingVocabulary(['levers'], [], everyWordOnce).closest('fevers')).toBe('levers');
	});

	it('keeps the same consonants in the same order, so a swap passes: "angel" → angle, and also "tires" → tries', () => {
		expect(spellingVocabulary(['angle'], ['angel'], everyWordOnce).closest('angel')).toBe('angle');
		expect(spellingVocabulary(['tries'], ['tire'], everyWordOnce).closest('tires')).toBe('tries');
	});

	it('compares consonants with y counted as a vowel', () => {
		expect(consonants('tyre')).toBe(consonants('tire'));
		expect(consonants('angle')).toBe(consonants('angel'));
		expect(consonants('time')).not.toBe(consonants('tire'));
	});
});

describe('common English words', () => {
	it('holds everyday words and leaves out misspellings and rare jargon', () => {
		const words = commonEnglishWords();
		expect(words.size).toBeGreaterThan(10_000);
		for (const word of ['tire', 'flat', 'bike', 'angel', 'forget']) expect(words.has(word)).toBe(true);
		for (const word of ['recieve', 'definately', 'agnet', 'derailer', 'sourdough']) expect(words.has(word)).toBe(false);
	});
});

describe('through the index', () => {
	let demo: SearchIndexData;
	let bicycle: SearchIndexData;
	beforeAll(async () => {
		[demo, bicycle] = await Promise.all([course('demo'), course('bicycle')]).then((cs) => cs.map(buildSearchIndexData));
	});

	it('carries the English words the course does not use, and keeps them through the file', () => {
		expect(bicycle.englishWords).toContain('tire');
		expect(bicycle.englishWords).not.toContain('tyre');
		expect(bicycle.englishWords.every((w) => !bicycle.words.includes(w))).toBe(true);
		expect(decodeSearchIndex(encodeSearchIndex(bicycle)).englishWords).toEqual(bicycle.englishWords);
	});

	it('reads "tire" as the bicycle course’s "tyre" but leaves it unknown in the AI course, which has "time"', () => {
		expect(createSearcher(bicycle).read('flat tire repair').corrections).toEqual([{ from: 'tire', to: 'tyre' }]);
		expect(demo.words).toContain('time');
		const reading = createSearcher(demo).read('how to change a flat tire');
		expect(reading.unknownWords).toEqual(['tire']);
		// Without the English words, "tire" is one edit from the demo's "time" and the off-topic question is answered.
		const withoutEnglish = createSearcher({ ...demo, englishWords: [] });
		expect(withoutEnglish.read('how to change a flat tire').corrections).toContainEqual({ from: 'tire', to: 'time' });
		expect(withoutEnglish.search('how to change a flat tire', { canRead: () => true }).length).toBeGreaterThan(0);
		expect(createSearcher(demo).search('how to change a flat tire', { canRead: () => true })).toEqual([]);
	});

	it('still corrects a typo that is no English word', () => {
		expect(createSearcher(demo).read('prompt injecton').corrections).toEqual([{ from: 'injecton', to: 'injection' }]);
	});
});
