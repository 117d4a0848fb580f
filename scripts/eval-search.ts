/**
 * `npm run eval:search [-- --split tuning|validation|all] [-- --misses]`: search quality per course and
 * question kind on tests/fixtures/search-eval, plus query latency on the largest index. Tune on `tuning`;
 * report `validation` (docs/search-quality.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { compileCourse } from '../src/content/compile.ts';
import { type EvalQuestion, evaluate, figuresByKind, REFUSAL_KINDS, summarise } from '../src/search/evaluation.ts';
import { buildSearchIndexData } from '../src/search/index-builder.ts';
import { createSearcher } from '../src/search/search.ts';

const args = process.argv.slice(2);
const split = (args[args.indexOf('--split') + 1] ?? 'tuning') as 'tuning' | 'validation' | 'all';
const showMisses = args.includes('--misses');
const COURSES = ['demo', 'sourdough', 'gardening', 'bicycle'];
const pct = (x: number) => `${(100 * x).toFixed(0).padStart(3)}%`;

for (const name of COURSES) {
	const file = path.resolve('tests/fixtures/search-eval', `${name}.yaml`);
	const { questions } = parse(readFileSync(file, 'utf8')) as { questions: EvalQuestion[] };
	const chosen = questions.filter((q) => split === 'all' || q.split === split);
	const compiled = await compileCourse(path.resolve('tests/fixtures/courses', name));
	const searcher = createSearcher(buildSearchIndexData(compiled));
	const titles = new Map(compiled.chapters.map((c) => [c.id, c.title]));
	const outcomes = evaluate(searcher, chosen, (id) => titles.get(id) ?? id);
	const s = summarise(outcomes);
	console.log(
		`\n${name} (${split}, ${chosen.length} questions): top-1 ${pct(s.top1)}  top-3 ${pct(s.top3)}  refused ${pct(s.refused)} of ${s.negatives} negatives`,
	);
	for (const f of figuresByKind(outcomes)) {
		const figures = REFUSAL_KINDS.includes(f.kind) ? `refused ${pct(f.refused)}` : `top-1 ${pct(f.top1)}  top-3 ${pct(f.top3)}`;
		console.log(`  ${f.kind.padEnd(10)} ${String(f.count).padStart(3)}  ${figures}`);
	}
	if (showMisses) {
		for (const o of outcomes) {
			const negative = REFUSAL_KINDS.includes(o.question.kind);
			if (negative ? o.hits.length === 0 : o.rank === 0) continue;
			const got = o.hits.map((h) => `${h.chapterId} › ${h.heading} (${h.score})`).join(' | ') || '(nothing)';
			const want = negative ? 'nothing' : o.question.answers.map((a) => `${a.chapter} › ${a.section}`).join(' / ');
			console.log(
				`    ${negative ? 'ANSWERED' : o.rank < 0 ? 'miss' : `#${o.rank + 1}`} [${o.question.kind}] "${o.question.q}" → want ${want}; got ${got}`,
			);
		}
	}
}
