/**
 * Deterministic lexical search over course sections, run on the server so premium sections can
 * be found (and shown locked) without shipping their text to the browser.
 *
 * Ranking is BM25F: per-field term frequencies, weighted and length-normalised, summed, then
 * saturated and multiplied by IDF. The query is split into groups (one per content word, with
 * synonyms and glued compounds as alternatives), and a section must cover at least
 * `minCoverage` of the query's IDF mass to be returned at all. Words the course never uses
 * count as maximally specific, which is what makes "best pizza recipe" return nothing — unless
 * the words the course knows carry most of the query (`relaxShare`), when the unknown ones are
 * dropped. Whether the course answers at all is also asked of the best hits' passages: the query's
 * words must stand together in one of their sentences (decision 0031).
 */
import { OWN_FIELDS, PHRASE_JOINER, type SearchDoc } from './index-builder.ts';
import type { PackedSearchIndex } from './index-file.ts';
import { spellingVocabulary } from './spelling.ts';
import { analyze, baseForms, isStopWord, splitWords, stemToken } from './text.ts';

export interface SearchHit {
	chapterId: string;
	chapterTitle: string;
	heading: string;
	anchor: string;
	/** `/chapters/<id>#<anchor>`, or `/chapters/<id>` for a chapter's introduction. */
	url: string;
	/**
	 * 0..1: the IDF-weighted share of the query that this section matches, each term saturated
	 * BM25-style (1 would be every term matched very strongly). Comparable across queries.
	 */
	score: number;
	tier: string;
	/** True when the reader may not open this chapter: the hit is a teaser without a passage. */
	locked: boolean;
	/** The section's markdown, cut at a paragraph boundary (≤ 1,500 chars); omitted when locked. */
	passage?: string;
}

export interface SearchOptions {
	/** Maximum hits; default 5, at most 50. */
	limit?: number;
	/** Whether the reader may open a chapter of this tier; false yields a locked hit without passage. */
	canRead: (chapterId: string, tier: string) => boolean;
}

/** How the query was read: words corrected to the course's spelling, and words the course never uses. */
export interface QueryReading {
	corrections: { from: string; to: string }[];
	unknownWords: string[];
}

export interface Searcher {
	search(query: string, opts: SearchOptions): SearchHit[];
	/** The titled section of one chapter that `search(query, { limit })` would list first, or null. */
	bestSection(query: string, chapterId: string, limit: number): { heading: string; anchor: string } | null;
	/** The same reading search() makes, for telling the caller what was corrected or not known. */
	read(query: string): QueryReading;
}

/** Ranker settings. Query-time only, so tuning them never needs an index rebuild. */
export interface RankerSettings {
	/** Per-field weight, keyed like SEARCH_FIELDS. */
	weights: Record<string, number>;
	/** Per-field length normalisation (0 = none, 1 = full). */
	b: Record<string, number>;
	k1: number;
	/** A hit must match at least this IDF-weighted share of the query's required terms. */
	minCoverage: number;
	/** Hits scoring below this share of the best hit are dropped as noise. */
	minRelativeScore: number;
	/** Weight of terms that only come from synonyms or compound parts. */
	expansionWeight: number;
	/** Weight of an adjacent query word pair found as a phrase in the section. */
	phraseWeight: number;
	/** Score multiplier for introductions and recaps, so the section that treats a topic comes first. */
	overviewFactor: number;
	/** Weight of a word corrected to the course's spelling ("fermantation" → fermentation). */
	typoWeight: number;
	/**
	 * How much a word the course never uses (after correction and synonyms) counts against coverage, as a share of
	 * the most specific word's IDF: 1 refuses any query with one unknown word; 0 ignores such words entirely.
	 */
	unknownWeight: number;
	/** A hit must score at least this (0..1, the same scale as SearchHit.score): below it the course does not answer. */
	minScore: number;
	/**
	 * When the query has words the course never uses, a hit must also match one of its specific words: a query
	 * word whose IDF is at least this share of the rarest possible. "sourdough pizza dough" matches only words
	 * every chapter uses, so the course does not teach it; "forgot my starter in the fridge" matches "fridge".
	 */
	anchorShare: number;
	/**
	 * Query relaxation, in the spirit of Elasticsearch's `minimum_should_match`: when the words the course knows (as
	 * written, corrected or through a synonym) carry at least this share of the query's IDF mass, a word it never
	 * uses is dropped instead of sinking the query ("why does the model miss facts buried in a huge prompt"). Below
	 * it the unknown words are what the learner asks about ("how to build a greenhouse") and keep `unknownWeight`.
	 */
	relaxShare: number;
	/** Queries with fewer content words than this are never relaxed: every word of a short query matters. */
	relaxMinWords: number;
	/** minScore for a relaxed query: with words dropped, the rest must match more strongly. */
	relaxedMinScore: number;
	/** The best hits must hold this many of the query's known words in one sentence (0 turns the check off). */
	minTogether: number;
	/** Queries with fewer known content words than this skip that check. */
	togetherMinWords: number;
	/** How many of the best hits the check reads. */
	togetherTop: number;
}

/**
 * Picked from the middle of the plateau a grid search found on the fixture questions, not from
 * its peak, so the figures do not hinge on one lucky combination.
 */
export const DEFAULT_RANKER: RankerSettings = {
	weights: { title: 1, heading: 3, parent: 1, keywords: 1, summary: 0.5, body: 1, children: 0.2 },
	b: { title: 0, heading: 0.3, parent: 0.3, keywords: 0.3, summary: 0, body: 0.5, children: 0.75 },
	k1: 1.2,
	minCoverage: 0.4,
	minRelativeScore: 0.2,
	expansionWeight: 0.7,
	phraseWeight: 0.3,
	overviewFactor: 0.8,
	typoWeight: 0.8,
	unknownWeight: 1,
	minScore: 0.25,
	anchorShare: 0.7,
	relaxShare: 0.67,
	relaxMinWords: 3,
	relaxedMinScore: 0.3,
	minTogether: 2,
	togetherMinWords: 3,
	togetherTop: 3,
};

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 50;
const MAX_QUERY_CHARS = 500;

interface Alternative {
	term: string;
	weight: number;
}

/** One thing the learner asked for, matched by any of its alternatives (the word itself, a glued compound, a synonym). */
interface QueryGroup {
	alts: Alternative[];
	/** Required groups count towards coverage; optional ones (expansions) only add score. */
	required: boolean;
	/** A word the course never uses, even corrected or through a synonym. */
	unknown?: boolean;
}

/** Runs on the packed index (index-file.ts); an index fresh from the builder is packed first. */
export interface SearcherOptions {
	/**
	 * Keep every posting's field-weighted tf after its first use (8 bytes a posting: ≈ 18 MB at 1,000 chapters),
	 * for a caller that runs thousands of queries over the same words, as the build does for quiz questions.
	 */
	memoizeTermFrequencies?: boolean;
}

export function createSearcher(
	data: PackedSearchIndex,
	settings: RankerSettings = DEFAULT_RANKER,
	options: SearcherOptions = {},
): Searcher {
	const docs: SearchDoc[] = data.docs;
	const n = docs.length;
	const fieldCount = data.fields.length;
	const { postings } = data;
	const weights = data.fields.map((f) => settings.weights[f] ?? 0);
	/** Per doc and field (`doc * fieldCount + f`): weight / length-normalisation denominator, so scoring is one multiply per tf. */
	const fieldFactor = new Float64Array(n * fieldCount);
	docs.forEach((d, doc) => {
		data.fields.forEach((f, i) => {
			const b = settings.b[f] ?? 0;
			const avg = data.avgLengths[i] || 1;
			fieldFactor[doc * fieldCount + i] = (weights[i] ?? 0) / (1 - b + (b * (d.lengths[i] ?? 0)) / avg);
		});
	});
	const sectionFields = data.fields.flatMap((f, i) => ((OWN_FIELDS as readonly string[]).includes(f) ? [i] : []));
	/**
	 * Document frequency counts only a section's own text (OWN_FIELDS): a chapter keyword is copied
	 * into every section of its chapter, which would make it look common when it names one
	 * section's topic. Terms found only in copied fields fall back to their full frequency.
	 */
	const idf = new Float64Array(postings.size);
	const { rowStarts, valueStarts, docIds, fieldMasks, tfValues } = postings;
	const ownMask = sectionFields.reduce((mask, i) => mask | (1 << i), 0);
	/** Each posting's weighted, length-normalised tf once computed (NaN until then), when the caller asks for it. */
	const rowTf = options.memoizeTermFrequencies ? new Float64Array(docIds.length).fill(Number.NaN) : null;
	for (let t = 0; t < postings.size; t++) {
		const start = rowStarts[t] as number;
		const end = rowStarts[t + 1] as number;
		let sectionDf = 0;
		for (let r = start; r < end; r++) if (((fieldMasks[r] as number) & ownMask) !== 0) sectionDf++;
		const df = sectionDf || end - start;
		idf[t] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
	}
	const idfOf = (term: string): number => {
		const t = postings.indexOf(term);
		return t < 0 ? 0 : (idf[t] as number);
	};
	/** A word the course never uses is as informative as a word in a single section: unknown words sink coverage. */
	const unknownIdf = Math.log(1 + (n - 1 + 0.5) / 1.5);
	const synonyms = new Map(Object.entries(data.synonyms));
	const vocabulary = spellingVocabulary(data.words, data.englishWords, (term) => postings.docCount(term));
	const corrections = new Map<string, string | null>();
	/** The course word a misspelt query word most likely means, or null; memoised per query word. */
	const correct = (word: string): string | null => {
		let found = corrections.get(word);
		if (found === undefined) {
			found = vocabulary.closest(word);
			if (corrections.size > 10_000) corrections.clear();
			corrections.set(word, found);
		}
		return found;
	};

	/**
	 * Query → groups. Each content word is a required group. A compound the course also writes
	 * glued ("json-rpc" → "jsonrpc") is one group, matched best by the glued form, partly by a
	 * part. Synonyms become extra alternatives of the groups they stand for, so "components" is
	 * covered by "building blocks". Adjacent words become optional phrase groups.
	 */
	function parseQuery(query: string): { groups: QueryGroup[]; reading: QueryReading } {
		const groups: QueryGroup[] = [];
		const byTerm = new Map<string, QueryGroup>();
		const reading: QueryReading = { corrections: [], unknownWords: [] };
		/** Content stems in query order, each with the required group it belongs to. */
		const stems: { term: string; group: QueryGroup | undefined }[] = [];
		const add = (term: string, weight: number, required: boolean): QueryGroup | undefined => {
			const existing = byTerm.get(term);
			if (existing) {
				existing.required ||= required;
				return existing;
			}
			const group: QueryGroup = { alts: [{ term, weight }], required };
			byTerm.set(term, group);
			groups.push(group);
			return group;
		};
		/** A content word: as the course writes it, else corrected to the course's spelling, else unknown. */
		const addWord = (surface: string, written: string) => {
			// An inflection the stemmer does not undo ("doubleing" → double) is the course's word all the same.
			const term = [written, ...baseForms(surface.toLowerCase()).slice(1).map(stemToken)].find((t) => postings.has(t)) ?? written;
			if (postings.has(term) || byTerm.has(term)) {
				stems.push({ term, group: add(term, 1, true) });
				return;
			}
			const fixed = /\p{L}/u.test(surface) ? correct(surface) : null;
			if (fixed) {
				const fixedTerm = stemToken(fixed);
				reading.corrections.push({ from: surface, to: fixed });
				const group = add(fixedTerm, settings.typoWeight, true);
				stems.push({ term: fixedTerm, group });
				return;
			}
			reading.unknownWords.push(surface);
			const group = add(term, 1, true) as QueryGroup;
			group.unknown = true;
			stems.push({ term, group });
		};
		for (const parts of splitWords(query.slice(0, MAX_QUERY_CHARS))) {
			const content = parts.filter((p) => !isStopWord(p));
			const joined = parts.length > 1 ? stemToken(parts.join('')) : undefined;
			if (joined !== undefined && postings.has(joined)) {
				const group = add(joined, 1, true);
				for (const part of content.map(stemToken)) {
					if (group && !group.alts.some((a) => a.term === part)) group.alts.push({ term: part, weight: settings.expansionWeight });
				}
				stems.push({ term: joined, group });
			} else {
				for (const surface of content) addWord(surface, stemToken(surface));
			}
		}
		for (let size = 3; size >= 1; size--) {
			for (let i = 0; i + size <= stems.length; i++) {
				const span = stems.slice(i, i + size);
				const expansions = synonyms.get(span.map((s) => s.term).join(PHRASE_JOINER));
				if (!expansions) continue;
				const targets = new Set(span.flatMap((s) => (s.group ? [s.group] : [])));
				for (const expansion of expansions) {
					const alts: Alternative[] =
						expansion.length === 1
							? [{ term: expansion[0] as string, weight: settings.expansionWeight }]
							: [
									{ term: expansion.join(PHRASE_JOINER), weight: settings.expansionWeight },
									...expansion.map((term) => ({ term, weight: settings.expansionWeight / expansion.length })),
								];
					for (const target of targets) {
						for (const alt of alts) if (!target.alts.some((a) => a.term === alt.term)) target.alts.push(alt);
					}
				}
			}
		}
		if (settings.phraseWeight > 0) {
			for (let i = 1; i < stems.length; i++) {
				const phrase = `${stems[i - 1]?.term}${PHRASE_JOINER}${stems[i]?.term}`;
				if (postings.has(phrase) && !byTerm.has(phrase)) add(phrase, settings.phraseWeight, false);
			}
		}
		return { groups, reading };
	}

	/** The most a group can contribute: its best alternative's weighted IDF; for a word the course lacks, a share of unknownIdf. */
	function groupIdf(group: QueryGroup): number {
		let best = 0;
		for (const a of group.alts) best = Math.max(best, a.weight * idfOf(a.term));
		if (best > 0) return best;
		return group.required ? settings.unknownWeight * unknownIdf : 0;
	}

	/**
	 * Whether the best hits hold the query's words together: in some sentence (or the heading) of one of them,
	 * at least `minTogether` of the query's known words. A question the course answers is answered in a passage
	 * that names its words side by side; a neighbouring subject told in the course's own words ("how to change
	 * the oil in my car" in a bicycle course) finds them scattered, one per sentence. Short queries are exempt:
	 * their words are few enough for coverage alone to judge.
	 */
	function answeredTogether(required: readonly QueryGroup[], best: readonly number[]): boolean {
		const known = required.filter((g) => !g.unknown && g.alts.some((a) => postings.has(a.term)));
		if (settings.minTogether <= 0 || known.length < settings.togetherMinWords) return true;
		for (const doc of best) {
			const d = docs[doc] as SearchDoc;
			for (const sentence of `${d.heading}\n${data.passages.at(doc)}`.split(/(?<=[.!?])\s+|\n+/)) {
				const stems = new Set(analyze(sentence));
				let together = 0;
				for (const g of known) if (g.alts.some((a) => stems.has(a.term))) together++;
				if (together >= settings.minTogether) return true;
			}
		}
		return false;
	}

	/**
	 * Per-query working arrays, reused (a search runs to the end before the next starts): per doc, the IDF its
	 * required matches cover, its most specific required match (for the anchor rule), and within a group its best
	 * alternative, with the docs that have one (`best` is reset through them, so it stays zero between groups).
	 */
	const scratch = {
		covered: new Float64Array(n),
		anchor: new Float64Array(n),
		best: new Float64Array(n),
		touched: new Int32Array(n),
		/** Per doc, the query's summed term scores (valid for matched docs only). */
		raw: new Float64Array(n),
		/** Each query's scores, returned by scoreDocs and valid until the next query: no 8-bytes-a-doc array per query. */
		scores: new Float64Array(n),
		/** The docs any posting of the query reached (`matched` marks them): the others all score alike. */
		matchedDocs: new Int32Array(n),
		matched: new Uint8Array(n),
	};
	/** Per doc, the score multiplier of overviewFactor, so the scoring loop reads a number, not a doc object. */
	const prior = new Float64Array(n);
	docs.forEach((d, doc) => {
		prior[doc] = d.overview ? settings.overviewFactor : 1;
	});
	/** Each doc's section (`chapterId#anchor`) as a number, and each chapter's titled docs: bestSection compares numbers. */
	const sectionOf = new Int32Array(n);
	const titledDocs = new Map<string, number[]>();
	{
		const sectionIds = new Map<string, number>();
		docs.forEach((d, doc) => {
			const key = `${d.chapterId}#${d.anchor}`;
			if (!sectionIds.has(key)) sectionIds.set(key, sectionIds.size);
			sectionOf[doc] = sectionIds.get(key) as number;
			if (!d.anchor) return;
			const list = titledDocs.get(d.chapterId);
			if (list) list.push(doc);
			else titledDocs.set(d.chapterId, [doc]);
		});
	}

	/**
	 * Every doc's score for the query (NaN where a threshold drops it), with the required groups for the
	 * together-check; null when nothing can match. Sums run in group order, so a score is the same float
	 * whichever caller asks. The scores array is the searcher's own: read it before the next query.
	 */
	function scoreDocs(query: string): { scores: Float64Array; required: QueryGroup[] } | null {
		if (query.trim() === '') return null;
		const { groups } = parseQuery(query);
		let required = groups.filter((g) => g.required);
		if (required.length === 0) return null;
		/** What a group weighs in deciding whether the course answers: a word the course never uses, as unknownIdf. */
		const mass = (g: QueryGroup) => (g.unknown ? settings.unknownWeight * unknownIdf : groupIdf(g));
		const hasUnknownWords = required.some((g) => g.unknown);
		const knownMass = required.reduce((sum, g) => sum + (g.unknown ? 0 : mass(g)), 0);
		const relaxed =
			hasUnknownWords &&
			required.length >= settings.relaxMinWords &&
			knownMass / required.reduce((sum, g) => sum + mass(g), 0) >= settings.relaxShare;
		if (relaxed) required = required.filter((g) => !g.unknown);
		const totalIdf = required.reduce((sum, g) => sum + mass(g), 0);
		if (totalIdf <= 0) return null;
		/** Every group fully matched and saturated: the denominator that keeps scores within 0..1. */
		const maxScore = groups.reduce((sum, g) => sum + (relaxed && g.unknown ? 0 : groupIdf(g)), 0);

		const { covered, anchor, best, touched, matched, matchedDocs, raw, scores } = scratch;
		let matchedCount = 0;
		const hasUnknown = !relaxed && hasUnknownWords;
		const k1 = settings.k1;
		let touchedCount = 0;
		for (const group of groups) {
			for (const alt of group.alts) {
				const t = postings.indexOf(alt.term);
				if (t < 0) continue;
				const w = alt.weight * (idf[t] as number);
				// A row's term frequencies are the next popcount(mask) values: read in row order (index-file.ts).
				let v = valueStarts[t] as number;
				for (let r = rowStarts[t] as number, end = rowStarts[t + 1] as number; r < end; r++) {
					const doc = docIds[r] as number;
					let mask = fieldMasks[r] as number;
					let tf = rowTf ? (rowTf[r] as number) : Number.NaN;
					if (Number.isNaN(tf)) {
						tf = 0;
						const factors = doc * fieldCount;
						// Lowest set bit first: fields in order, as they were written.
						for (; mask !== 0; mask &= mask - 1) {
							tf += (tfValues[v++] as number) * (fieldFactor[factors + 31 - Math.clz32(mask & -mask)] as number);
						}
						if (rowTf) rowTf[r] = tf;
					} else {
						for (; mask !== 0; mask &= mask - 1) v++;
					}
					const value = (w * tf) / (k1 + tf);
					if (value > (best[doc] as number)) {
						if ((best[doc] as number) === 0) touched[touchedCount++] = doc;
						best[doc] = value;
					}
				}
			}
			const gIdf = group.required && !(relaxed && group.unknown) ? groupIdf(group) : 0;
			for (let i = 0; i < touchedCount; i++) {
				const d = touched[i] as number;
				if (matched[d] === 0) {
					matched[d] = 1;
					matchedDocs[matchedCount++] = d;
					raw[d] = 0;
					covered[d] = 0;
					anchor[d] = 0;
				}
				raw[d] = (raw[d] as number) + (best[d] as number);
				covered[d] = (covered[d] as number) + gIdf;
				if (gIdf > (anchor[d] as number)) anchor[d] = gIdf;
				best[d] = 0;
			}
			touchedCount = 0;
		}

		const floor = relaxed ? settings.relaxedMinScore : settings.minScore;
		const scoreOf = (rawScore: number, coveredIdf: number, anchorIdf: number, docPrior: number) => {
			const score = Math.min(1, (docPrior * rawScore) / maxScore);
			const dropped =
				coveredIdf / totalIdf < settings.minCoverage || (hasUnknown && anchorIdf < settings.anchorShare * unknownIdf) || score < floor;
			return dropped ? Number.NaN : score;
		};
		// A doc no posting reached has nothing to score: the same value for all of them (NaN unless the settings let a zero score pass).
		scores.fill(scoreOf(0, 0, 0, 1));
		for (let i = 0; i < matchedCount; i++) {
			const d = matchedDocs[i] as number;
			matched[d] = 0;
			scores[d] = scoreOf(raw[d] as number, covered[d] as number, anchor[d] as number, prior[d] as number);
		}
		return { scores, required };
	}

	/** Docs in rank order: best score first, ties by position in the index. */
	const ranksBefore = (scores: Float64Array, a: number, b: number) =>
		(scores[a] as number) > (scores[b] as number) || ((scores[a] as number) === (scores[b] as number) && a < b);

	/** The `count` best-ranked scored docs, in rank order, without sorting them all. */
	function topDocs(scores: Float64Array, count: number): number[] {
		const top: number[] = [];
		for (let d = 0; d < n; d++) {
			if (Number.isNaN(scores[d])) continue;
			if (top.length === count && !ranksBefore(scores, d, top[count - 1] as number)) continue;
			let at = top.length === count ? count - 1 : top.length;
			while (at > 0 && ranksBefore(scores, d, top[at - 1] as number)) at--;
			top.splice(at, 0, d);
			top.length = Math.min(top.length, count);
		}
		return top;
	}

	/** Whether the course answers at all: no hit passes, or the best hits scatter the query's words. */
	function answers(scored: { scores: Float64Array; required: QueryGroup[] }): boolean {
		const best = topDocs(scored.scores, Math.max(settings.togetherTop, 1));
		return best.length > 0 && answeredTogether(scored.required, best.slice(0, settings.togetherTop));
	}

	function search(query: string, opts: SearchOptions): SearchHit[] {
		const limit = Math.min(Math.max(Math.floor(opts.limit ?? DEFAULT_LIMIT), 0), MAX_LIMIT);
		if (limit === 0) return [];
		const scored = scoreDocs(query);
		if (!scored || !answers(scored)) return [];
		const { scores } = scored;
		const ranked: { doc: number; score: number }[] = [];
		for (let d = 0; d < n; d++) if (!Number.isNaN(scores[d])) ranked.push({ doc: d, score: scores[d] as number });
		ranked.sort((a, b) => b.score - a.score || a.doc - b.doc);
		const top = ranked[0]?.score ?? 0;
		const hits: SearchHit[] = [];
		const seenSections = new Set<string>();
		for (const { doc, score } of ranked) {
			if (hits.length >= limit || score < top * settings.minRelativeScore) break;
			const d = docs[doc] as SearchDoc;
			const key = `${d.chapterId}#${d.anchor}`;
			if (seenSections.has(key)) continue;
			seenSections.add(key);
			const locked = !opts.canRead(d.chapterId, d.tier);
			hits.push({
				chapterId: d.chapterId,
				chapterTitle: d.chapterTitle,
				heading: d.heading,
				anchor: d.anchor,
				url: d.anchor ? `/chapters/${d.chapterId}#${d.anchor}` : `/chapters/${d.chapterId}`,
				score: Math.round(score * 10_000) / 10_000,
				tier: d.tier,
				locked,
				...(locked ? {} : { passage: data.passages.at(doc) }),
			});
		}
		return hits;
	}

	/**
	 * What `search(query, { limit })` would list first from `chapterId` among its titled sections, found
	 * without sorting every doc: the chapter's best-ranked titled doc, if fewer than `limit` other sections
	 * rank before it.
	 */
	function bestSection(query: string, chapterId: string, limit: number): { heading: string; anchor: string } | null {
		const scored = scoreDocs(query);
		if (!scored || !answers(scored)) return null;
		const { scores } = scored;
		let target = -1;
		for (const d of titledDocs.get(chapterId) ?? []) {
			if (!Number.isNaN(scores[d]) && (target < 0 || ranksBefore(scores, d, target))) target = d;
		}
		if (target < 0) return null;
		let top = Number.NEGATIVE_INFINITY;
		for (let d = 0; d < n; d++) if ((scores[d] as number) > top) top = scores[d] as number;
		if ((scores[target] as number) < top * settings.minRelativeScore) return null;
		const ahead = new Set<number>();
		for (let d = 0; d < n; d++) {
			if (Number.isNaN(scores[d]) || !ranksBefore(scores, d, target)) continue;
			ahead.add(sectionOf[d] as number);
			if (ahead.size >= limit) return null;
		}
		const found = docs[target] as SearchDoc;
		return { heading: found.heading, anchor: found.anchor };
	}

	return { search, bestSection, read: (query) => parseQuery(query).reading };
}
