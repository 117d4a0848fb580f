/**
 * `node scripts/bench-search.ts [rounds]`: latency of the server-side section search on the demo
 * fixture course (tests/fixtures/courses/demo, which the questions are about), every fixture question
 * `rounds` times (default 200), against a naive substring scan over the same sections as a baseline.
 * Target: p95 under 20 ms.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { compileCourse } from '../src/content/compile.ts';
import { buildSearchIndexData } from '../src/search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex } from '../src/search/index-file.ts';
import { createSearcher } from '../src/search/search.ts';
import { DEMO_COURSE } from '../tests/helpers/fixture-build.ts';

const rounds = Number(process.argv[2] ?? 200);
const fixtures = path.resolve('tests/fixtures/search-questions');

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function summary(label: string, times: number[], totalMs: number): string {
	const sorted = [...times].sort((a, b) => a - b);
	const f = (x: number) => x.toFixed(3).padStart(8);
	return `${label.padEnd(16)} p50 ${f(percentile(sorted, 50))} ms   p95 ${f(percentile(sorted, 95))} ms   p99 ${f(percentile(sorted, 99))} ms   ${Math.round((times.length / totalMs) * 1000).toLocaleString('en-US')} queries/s`;
}

let t = performance.now();
const compiled = await compileCourse(DEMO_COURSE);
const compileMs = performance.now() - t;
t = performance.now();
const data = buildSearchIndexData(compiled);
const buildMs = performance.now() - t;
const encoded = encodeSearchIndex(data);
t = performance.now();
const searcher = createSearcher(decodeSearchIndex(encoded));
const loadMs = performance.now() - t;

const queries: string[] = [];
for (const file of (await readdir(fixtures)).filter((f) => f.endsWith('.yaml') && !f.startsWith('_')).sort()) {
	const fixture = parse(await readFile(path.join(fixtures, file), 'utf8')) as { questions: { q: string }[] };
	queries.push(...fixture.questions.map((q) => q.q));
}

/** Baseline: what a search without an index does: lowercase every section, count query words it contains. */
const sectionTexts = compiled.chapters.flatMap((c) =>
	c.sections.map((s) => ({ id: `${c.id}#${s.anchor}`, text: `${s.heading}\n${s.markdown}`.toLowerCase() })),
);
function naiveSearch(query: string): string[] {
	const words = query
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w.length > 2);
	return sectionTexts
		.map((s) => ({ id: s.id, hits: words.filter((w) => s.text.includes(w)).length }))
		.filter((s) => s.hits > 0)
		.sort((a, b) => b.hits - a.hits)
		.slice(0, 5)
		.map((s) => s.id);
}

const canRead = () => true;
for (const q of queries) {
	searcher.search(q, { canRead });
	naiveSearch(q);
}

function run(fn: (q: string) => unknown): { times: number[]; totalMs: number } {
	const times: number[] = [];
	const start = performance.now();
	for (let r = 0; r < rounds; r++) {
		for (const q of queries) {
			const s = performance.now();
			fn(q);
			times.push(performance.now() - s);
		}
	}
	return { times, totalMs: performance.now() - start };
}

const indexed = run((q) => searcher.search(q, { canRead, limit: 5 }));
const naive = run(naiveSearch);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log(
	`course: ${compiled.chapters.length} chapters, ${data.docs.length} sections, ${data.postings.size.toLocaleString('en-US')} terms`,
);
console.log(
	`compile ${compileMs.toFixed(0)} ms, build index ${buildMs.toFixed(0)} ms (${(encoded.byteLength / 1024).toFixed(0)} KiB index file), load searcher ${loadMs.toFixed(0)} ms`,
);
console.log(`${queries.length} questions × ${rounds} rounds = ${indexed.times.length.toLocaleString('en-US')} queries each`);
console.log(summary('indexed search', indexed.times, indexed.totalMs));
console.log(summary('naive scan', naive.times, naive.totalMs));
console.log(
	`indexed search is ${(mean(naive.times) / mean(indexed.times)).toFixed(1)}× faster than the naive scan (mean ${mean(indexed.times).toFixed(3)} ms vs ${mean(naive.times).toFixed(3)} ms)`,
);
const p95 = percentile(
	[...indexed.times].sort((a, b) => a - b),
	95,
);
console.log(p95 < 20 ? `✓ p95 ${p95.toFixed(3)} ms is under the 20 ms target` : `✗ p95 ${p95.toFixed(3)} ms misses the 20 ms target`);
