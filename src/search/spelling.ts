/**
 * Spelling correction against the course's own vocabulary: an edit budget scaled to word length, as Lucene and
 * Meilisearch do, and no correction of a common English word into a different course word.
 */
import { baseForms, stemToken } from './text.ts';

/** Edits allowed for a word of this length, as Meilisearch and Lucene scale them: none below 4 letters, 2 from 8. */
export function typoBudget(length: number): number {
	return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/** Optimal string alignment distance (a swap of neighbours is one edit: "agnet" → "agent"), or max + 1 once past `max`. */
export function typoDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	const rows = [new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0), new Array<number>(b.length + 1).fill(0)];
	for (let j = 0; j <= b.length; j++) (rows[1] as number[])[j] = j;
	for (let i = 1; i <= a.length; i++) {
		const [before, prev, cur] = [rows[0] as number[], rows[1] as number[], rows[2] as number[]];
		cur[0] = i;
		let rowMin = i;
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
			cur[j] = d;
			if (d < rowMin) rowMin = d;
		}
		if (rowMin > max) return max + 1;
		rows.push(rows.shift() as number[]);
	}
	return rows[1]?.[b.length] as number;
}

/** A word without its vowels: "tire" and "tyre", "angel" and "angle" share theirs; "tire" and "time" do not. */
export function consonants(word: string): string {
	return word.replace(/[aeiouy]/g, '');
}

/**
 * The course's words bucketed by length, so a correction only compares words that could be within budget.
 * A common English word (`englishWords`, or an inflection of one: "fevers") is taken as the learner wrote it unless
 * the course's word has the same consonants in the same order, differing in its vowels or where they stand: "tire"
 * still becomes the course's "tyre" and "angel" its "angle", but in an AI course "flat tire" is not corrected into
 * "flag time". The rule cannot tell a real-word slip from a word: "bike" still becomes a bread course's "bake", and
 * "tires" an AI course's "tries" (a stricter rule, vowel for vowel in place, lost "scorring angel" on the tuning
 * half and gained nothing).
 */
export function spellingVocabulary(words: readonly string[], englishWords: readonly string[], frequency: (term: string) => number) {
	const english = new Set(englishWords);
	const byLength = new Map<number, { word: string; df: number }[]>();
	for (const word of words) {
		const list = byLength.get(word.length) ?? [];
		list.push({ word, df: frequency(stemToken(word)) });
		byLength.set(word.length, list);
	}
	return {
		/** The closest course word within the typo budget (ties: the more common word, then alphabetical), or null. */
		closest(word: string): string | null {
			const max = typoBudget(word.length);
			if (max === 0) return null;
			// "fevers" is as English as "fever": the list holds each word's common forms only.
			const isEnglish = baseForms(word).some((form) => english.has(form));
			const skeleton = isEnglish ? consonants(word) : null;
			let best: { word: string; df: number; d: number } | null = null;
			for (let length = word.length - max; length <= word.length + max; length++) {
				for (const candidate of byLength.get(length) ?? []) {
					if (candidate.df === 0 || (skeleton !== null && consonants(candidate.word) !== skeleton)) continue;
					const d = typoDistance(word, candidate.word, best ? Math.min(max, best.d) : max);
					if (d > max) continue;
					if (
						!best ||
						d < best.d ||
						(d === best.d && (candidate.df > best.df || (candidate.df === best.df && candidate.word < best.word)))
					) {
						best = { ...candidate, d };
					}
				}
			}
			return best?.word ?? null;
		},
	};
}
