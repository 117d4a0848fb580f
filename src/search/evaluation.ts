/**
 * Judging the ranker on labelled learner questions (tests/fixtures/search-eval): the answering section in
 * the top 1 and top 3 for answerable kinds, nothing returned for near-miss and off-topic ones. Pure: the
 * quality test and `npm run eval:search` share it, so the figures in the README are the test's figures.
 */
import type { SearchHit, Searcher } from './search.ts';

export const QUESTION_KINDS = ['full', 'keyword', 'synonym', 'typo', 'versus', 'near-miss', 'off-topic'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const REFUSAL_KINDS: readonly QuestionKind[] = ['near-miss', 'off-topic'];

export interface EvalQuestion {
	q: string;
	kind: QuestionKind;
	split: 'tuning' | 'validation';
	/** Every section that answers it, best first (chapter id + heading); empty for refusal kinds. */
	answers: { chapter: string; section: string }[];
}

export interface EvalOutcome {
	question: EvalQuestion;
	/** 0-based rank of the first answering section among the hits, -1 when absent. */
	rank: number;
	hits: SearchHit[];
}

export interface KindFigures {
	kind: QuestionKind;
	count: number;
	/** Answerable kinds: share with an answer first / in the top 3. Refusal kinds: share that returned nothing. */
	top1: number;
	top3: number;
	refused: number;
}

export function evaluate(searcher: Searcher, questions: readonly EvalQuestion[], titleOf: (chapterId: string) => string): EvalOutcome[] {
	return questions.map((question) => {
		const hits = searcher.search(question.q, { limit: 3, canRead: () => true });
		const heading = (h: SearchHit) => plain(h.anchor ? h.heading : titleOf(h.chapterId));
		const rank = hits.findIndex((h) => question.answers.some((a) => a.chapter === h.chapterId && plain(a.section) === heading(h)));
		return { question, rank, hits };
	});
}

/** Headings compare without typographic quotes (the renderer curls them). */
function plain(heading: string): string {
	return heading.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
}

export function figuresByKind(outcomes: readonly EvalOutcome[]): KindFigures[] {
	return QUESTION_KINDS.flatMap((kind) => {
		const of = outcomes.filter((o) => o.question.kind === kind);
		if (of.length === 0) return [];
		const share = (pred: (o: EvalOutcome) => boolean) => of.filter(pred).length / of.length;
		return [
			{
				kind,
				count: of.length,
				top1: share((o) => o.rank === 0),
				top3: share((o) => o.rank >= 0),
				refused: share((o) => o.hits.length === 0),
			},
		];
	});
}

export interface Summary {
	answerable: number;
	top1: number;
	top3: number;
	negatives: number;
	refused: number;
}

export function summarise(outcomes: readonly EvalOutcome[]): Summary {
	const answerable = outcomes.filter((o) => !REFUSAL_KINDS.includes(o.question.kind));
	const negatives = outcomes.filter((o) => REFUSAL_KINDS.includes(o.question.kind));
	const share = (list: readonly EvalOutcome[], pred: (o: EvalOutcome) => boolean) =>
		list.length ? list.filter(pred).length / list.length : 1;
	return {
		answerable: answerable.length,
		top1: share(answerable, (o) => o.rank === 0),
		top3: share(answerable, (o) => o.rank >= 0),
		negatives: negatives.length,
		refused: share(negatives, (o) => o.hits.length === 0),
	};
}
