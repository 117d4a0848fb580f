/**
 * Search quality on the demo fixture course (tests/fixtures/courses/demo), which the learner
 * questions in tests/fixtures/search-questions are about: they must find their section (≥ 70% first,
 * ≥ 90% in the top three), off-topic questions must find nothing, and locked hits must never carry
 * premium text.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CompiledCourse, compileCourse } from '../../../src/content/compile.ts';
import {
	buildSearchIndex,
	buildSearchIndexData,
	cutPassage,
	MAX_PASSAGE_CHARS,
	type SearchIndexData,
} from '../../../src/search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex, loadSearchIndex } from '../../../src/search/index-file.ts';
import { createSearcher, DEFAULT_RANKER, type Searcher } from '../../../src/search/search.ts';
import { DEMO_COURSE } from '../../helpers/fixture-build.ts';

const FIXTURES = path.resolve('tests/fixtures/search-questions');
const readAll = () => true;
const freeOnly = (_chapterId: string, tier: string) => tier === 'free';

interface FixtureQuestion {
	chapter: string;
	q: string;
	sections: string[];
}

async function loadQuestions(): Promise<FixtureQuestion[]> {
	const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).sort();
	const out: FixtureQuestion[] = [];
	for (const file of files) {
		const fixture = parse(await readFile(path.join(FIXTURES, file), 'utf8')) as {
			chapter: string;
			questions: { q: string; sections: string[] }[];
		};
		for (const q of fixture.questions) out.push({ chapter: fixture.chapter, q: q.q, sections: q.sections });
	}
	return out;
}

let compiled: CompiledCourse;
let data: SearchIndexData;
let searcher: Searcher;
let questions: FixtureQuestion[];

beforeAll(async () => {
	compiled = await compileCourse(DEMO_COURSE);
	data = buildSearchIndexData(compiled);
	searcher = createSearcher(data);
	questions = await loadQuestions();
});

describe('fixture questions', () => {
	it('name sections that exist in their chapter', () => {
		expect(questions.length).toBeGreaterThanOrEqual(50);
		const missing = questions.flatMap((q) => {
			const chapter = compiled.chapters.find((c) => c.id === q.chapter);
			const headings = new Set(chapter?.sections.map((s) => s.heading));
			return q.sections.filter((h) => !headings.has(h)).map((h) => `${q.chapter}: "${h}" (for "${q.q}")`);
		});
		expect(missing).toEqual([]);
	});

	it('find their section first ≥ 70% of the time and in the top three ≥ 90%', () => {
		let top1 = 0;
		let top3 = 0;
		const misses: string[] = [];
		for (const question of questions) {
			const hits = searcher.search(question.q, { limit: 3, canRead: readAll });
			const isExpected = (h: { chapterId: string; heading: string }) =>
				h.chapterId === question.chapter && question.sections.includes(h.heading);
			const rank = hits.findIndex(isExpected);
			if (rank === 0) top1++;
			if (rank >= 0) top3++;
			if (rank !== 0) {
				const got = hits.map((h) => `${h.chapterId} › ${h.heading}`).join(' | ') || '(nothing)';
				misses.push(
					`  ${rank < 0 ? 'miss' : `#${rank + 1}  `} "${question.q}" → want ${question.chapter} › ${question.sections.join(' / ')}; got ${got}`,
				);
			}
		}
		const n = questions.length;
		const pct = (x: number) => `${((100 * x) / n).toFixed(1)}%`;
		console.log(
			[
				`search quality: ${n} questions, ${data.docs.length} sections`,
				`  top-1 ${top1}/${n} = ${pct(top1)}   top-3 ${top3}/${n} = ${pct(top3)}`,
				...misses,
			].join('\n'),
		);
		expect(top1 / n).toBeGreaterThanOrEqual(0.7);
		expect(top3 / n).toBeGreaterThanOrEqual(0.9);
	});
});

describe('out-of-scope questions', () => {
	it('return no results', async () => {
		const { questions: offTopic } = parse(await readFile(path.join(FIXTURES, '_off-topic.yaml'), 'utf8')) as { questions: string[] };
		expect(offTopic.length).toBeGreaterThanOrEqual(6);
		const answered = offTopic
			.map((q) => ({ q, hits: searcher.search(q, { canRead: readAll }) }))
			.filter((r) => r.hits.length > 0)
			.map((r) => `${r.q} → ${r.hits[0]?.chapterId} › ${r.hits[0]?.heading} (${r.hits[0]?.score})`);
		expect(answered).toEqual([]);
	});

	it.each(['', '   ', '\n\t ', 'what is the', '?!', 'how do I'])('empty or stop-word-only query %j returns []', (q) => {
		expect(searcher.search(q, { canRead: readAll })).toEqual([]);
	});
});

describe('hits', () => {
	it('are locked and carry no passage when the reader may not open the chapter', () => {
		const hits = searcher.search('episodic vs semantic memory', { limit: 10, canRead: freeOnly });
		expect(hits.length).toBeGreaterThan(0);
		const locked = hits.filter((h) => h.tier !== 'free');
		expect(locked.length).toBeGreaterThan(0);
		for (const hit of locked) {
			expect(hit.locked).toBe(true);
			expect(hit).not.toHaveProperty('passage');
			expect(Object.keys(hit).sort()).toEqual(['anchor', 'chapterId', 'chapterTitle', 'heading', 'locked', 'score', 'tier', 'url']);
		}
	});

	it('carry the passage when the reader may open the chapter', () => {
		const [hit] = searcher.search('json schema for tool parameters', { canRead: freeOnly });
		expect(hit).toMatchObject({ chapterId: 'tool-use', tier: 'free', locked: false });
		expect(hit?.passage?.length).toBeGreaterThan(200);
		const [premium] = searcher.search('episodic vs semantic memory', { canRead: readAll });
		expect(premium).toMatchObject({ locked: false });
		expect(premium?.passage).toBeTruthy();
	});

	it('are unique per section, scored 0..1 in descending order, with a chapter URL', () => {
		for (const { q } of questions) {
			const hits = searcher.search(q, { limit: 20, canRead: readAll });
			expect(new Set(hits.map((h) => `${h.chapterId}#${h.anchor}`)).size).toBe(hits.length);
			hits.forEach((h, i) => {
				expect(h.score).toBeGreaterThan(0);
				expect(h.score).toBeLessThanOrEqual(1);
				if (i > 0) expect(h.score).toBeLessThanOrEqual(hits[i - 1]?.score ?? 1);
				expect(h.url).toBe(h.anchor ? `/chapters/${h.chapterId}#${h.anchor}` : `/chapters/${h.chapterId}`);
			});
		}
	});

	it('respect the limit', () => {
		expect(searcher.search('agent', { limit: 2, canRead: readAll })).toHaveLength(2);
		expect(searcher.search('agent', { limit: 0, canRead: readAll })).toEqual([]);
		expect(searcher.search('agent', { canRead: readAll }).length).toBeLessThanOrEqual(5);
	});

	it("are deterministic and survive the index file's round trip", () => {
		const again = createSearcher(decodeSearchIndex(encodeSearchIndex(data)));
		// The build's searcher keeps each posting's term frequency once computed (teaching-sections.ts): the same answers, first call or not.
		const memoised = createSearcher(decodeSearchIndex(encodeSearchIndex(data)), DEFAULT_RANKER, { memoizeTermFrequencies: true });
		for (const round of [1, 2]) {
			for (const { q } of questions.slice(0, 20)) {
				const expected = searcher.search(q, { limit: 5, canRead: readAll });
				expect(again.search(q, { limit: 5, canRead: readAll })).toEqual(expected);
				expect(memoised.search(q, { limit: 5, canRead: readAll }), `${q} (round ${round})`).toEqual(expected);
			}
		}
	});
});

describe('index', () => {
	it('covers every section of every chapter, premium included, once', () => {
		const sections = new Set(compiled.chapters.flatMap((c) => c.sections.map((s) => `${c.id}#${s.anchor}`)));
		expect(new Set(data.docs.map((d) => `${d.chapterId}#${d.anchor}`))).toEqual(sections);
		expect(data.docs.length).toBe(sections.size);
		expect(data.docs.some((d) => d.tier !== 'free')).toBe(true);
	});

	it('keeps passages short, readable and never inside an open code fence', () => {
		expect(data.passages.count).toBe(data.docs.length);
		data.docs.forEach((_, doc) => {
			const passage = data.passages.at(doc);
			expect(passage.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
			expect((passage.match(/^[ \t]{0,3}(?:```|~~~)/gm)?.length ?? 0) % 2).toBe(0);
		});
		const long = data.docs.findIndex((d) => d.heading === 'A Complete Tool Loop in Python');
		expect(data.passages.at(long).length).toBeGreaterThan(500);
		// A long run without spaces is cut between characters, never inside one (UTF-8 has no half of a character).
		for (const run of ['😀'.repeat(2 * MAX_PASSAGE_CHARS), `x${'😀'.repeat(2 * MAX_PASSAGE_CHARS)}`]) {
			const cut = cutPassage(run);
			expect(cut.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
			expect(cut.isWellFormed()).toBe(true);
		}
	});

	it('is byte-identical across builds and is written to the private directory', async () => {
		expect(Buffer.from(encodeSearchIndex(buildSearchIndexData(compiled))).equals(Buffer.from(encodeSearchIndex(data)))).toBe(true);
		// The demo fixture's index since version 5 (sparse term frequencies, passages apart from the header): a new hash
		// means the file or the analysis changed, which needs its own reason (and the server's version check).
		expect(createHash('sha256').update(encodeSearchIndex(data)).digest('hex')).toBe(
			'c227b8807b4dda862e8025e921a9c298b72fa241e516308693099b6ab9c76378',
		);
		const dir = await mkdtemp(path.join(tmpdir(), 'search-index-'));
		try {
			await buildSearchIndex(compiled, dir);
			expect(Buffer.from(await readFile(path.join(dir, 'search-index.bin'))).equals(Buffer.from(encodeSearchIndex(data)))).toBe(true);
			const loaded = await loadSearchIndex(dir);
			const { postings: _p, passages: _q, version: _v, ...rest } = data;
			expect({ ...loaded, postings: undefined, passages: undefined }).toEqual({ ...rest, postings: undefined, passages: undefined });
			expect(Array.from({ length: data.docs.length }, (_, i) => loaded.passages.at(i))).toEqual(
				Array.from({ length: data.docs.length }, (_, i) => data.passages.at(i)),
			);
			// Every term and posting comes back as written.
			const { postings } = data;
			expect(loaded.postings.size).toBe(postings.size);
			for (const part of ['termEnds', 'termBytes', 'rowStarts', 'valueStarts', 'docIds', 'fieldMasks', 'tfValues'] as const) {
				expect(loaded.postings[part].BYTES_PER_ELEMENT, part).toBe(postings[part].BYTES_PER_ELEMENT);
				expect(Array.from(loaded.postings[part]), part).toEqual(Array.from(postings[part]));
			}
			expect(loaded.postings.docCount('agent')).toBeGreaterThan(0);
			expect(loaded.postings.indexOf('no-such-term')).toBe(-1);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
