/**
 * Search quality on held-out learner questions over four courses (tests/fixtures/search-eval: the demo,
 * sourdough, gardening and bicycle fixture courses), written without sight of the ranker. Gated on the validation
 * half, which no parameter was chosen on; the tuning half is reported by `npm run eval:search`.
 *
 * The top-1/top-3 floors are today's validation figures less a small margin, so a change that makes search
 * worse fails; refusal is gated at the target (≥ 90 %), which every validation half meets. The top-3
 * targets (≥ 90–95 %) are not reached yet (docs/search-quality.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileCourse } from '../../../src/content/compile.ts';
import { type EvalQuestion, evaluate, figuresByKind, QUESTION_KINDS, summarise } from '../../../src/search/evaluation.ts';
import { buildSearchIndexData } from '../../../src/search/index-builder.ts';
import { createSearcher } from '../../../src/search/search.ts';

const FLOORS: Record<string, { top1: number; top3: number; refused: number }> = {
	demo: { top1: 0.58, top3: 0.66, refused: 0.9 },
	sourdough: { top1: 0.5, top3: 0.7, refused: 0.9 },
	gardening: { top1: 0.58, top3: 0.72, refused: 0.9 },
	bicycle: { top1: 0.6, top3: 0.72, refused: 0.9 },
};

async function load(name: string) {
	const { questions } = parse(readFileSync(path.resolve('tests/fixtures/search-eval', `${name}.yaml`), 'utf8')) as {
		questions: EvalQuestion[];
	};
	const compiled = await compileCourse(path.resolve('tests/fixtures/courses', name));
	const data = buildSearchIndexData(compiled);
	const titles = new Map(compiled.chapters.map((c) => [c.id, c.title]));
	return { questions, compiled, data, searcher: createSearcher(data), titleOf: (id: string) => titles.get(id) ?? id };
}

describe.each(Object.keys(FLOORS))('held-out questions on the %s course', (name) => {
	it('are a sound test set: every kind, both halves, answers that exist', async () => {
		const { questions, compiled } = await load(name);
		expect(questions.length).toBeGreaterThanOrEqual(80);
		for (const kind of QUESTION_KINDS) {
			const of = questions.filter((q) => q.kind === kind);
			expect(of.length, kind).toBeGreaterThan(0);
			expect(of.filter((q) => q.split === 'validation').length, kind).toBe(of.length / 2);
		}
		const missing = questions.flatMap((q) =>
			q.answers.flatMap((a) => {
				const chapter = compiled.chapters.find((c) => c.id === a.chapter);
				const headings = new Set([chapter?.title, ...(chapter?.sections.map((s) => s.heading) ?? [])].map((h) => h?.replace(/[‘’]/g, "'")));
				return headings.has(a.section.replace(/[‘’]/g, "'")) ? [] : [`${a.chapter} › ${a.section} (for "${q.q}")`];
			}),
		);
		expect(missing).toEqual([]);
	});

	it('on the validation half: find the answer and refuse what the course does not teach, at least as well as today', async () => {
		const { questions, searcher, titleOf } = await load(name);
		const outcomes = evaluate(
			searcher,
			questions.filter((q) => q.split === 'validation'),
			titleOf,
		);
		const s = summarise(outcomes);
		const rows = figuresByKind(outcomes).map(
			(f) => `  ${f.kind.padEnd(10)} ${f.count}  top-1 ${f.top1.toFixed(2)} top-3 ${f.top3.toFixed(2)} refused ${f.refused.toFixed(2)}`,
		);
		console.log(
			`${name} validation: top-1 ${s.top1.toFixed(2)} top-3 ${s.top3.toFixed(2)} refused ${s.refused.toFixed(2)}\n${rows.join('\n')}`,
		);
		const floor = FLOORS[name] as { top1: number; top3: number; refused: number };
		expect(s.top1).toBeGreaterThanOrEqual(floor.top1);
		expect(s.top3).toBeGreaterThanOrEqual(floor.top3);
		expect(s.refused).toBeGreaterThanOrEqual(floor.refused);
		// Off-topic questions must never be answered.
		expect(figuresByKind(outcomes).find((f) => f.kind === 'off-topic')?.refused).toBe(1);
	});

	it('corrects typos to the course spelling and says which words it does not know', async () => {
		const { searcher } = await load(name);
		const typo = (await load(name)).questions.find((q) => q.kind === 'typo' && q.split === 'validation');
		expect(typo).toBeDefined();
		expect(searcher.read(typo?.q as string).corrections.length).toBeGreaterThan(0);
		expect(searcher.read('zyxwvut qqqqq').unknownWords).toEqual(['zyxwvut', 'qqqqq']);
	});
});
