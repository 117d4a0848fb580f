/**
 * Which section teaches each quiz question, for the link a learner gets next to a wrong answer. The author
 * may name it (`section:` in the quiz); otherwise the build picks the best match in the quiz's own chapter
 * with the course's search index — the prompt and the correct options as the query.
 */
import type { CompiledCourse, CompiledQuiz } from '../content/compile.ts';
import type { PackedSearchIndex } from './index-file.ts';
import { createSearcher, DEFAULT_RANKER } from './search.ts';

/** Every section is a candidate: this ranks within one chapter, it never decides the course lacks a topic. */
const RANK_ONLY = {
	...DEFAULT_RANKER,
	minCoverage: 0,
	minScore: 0,
	anchorShare: 0,
	unknownWeight: 0,
	minRelativeScore: 0,
	relaxedMinScore: 0,
	minTogether: 0,
};

/** The chapter's section must rank among this many of the whole course's, as a search with this limit lists them. */
const CANDIDATE_SECTIONS = 50;

export function withTeachingSections(compiled: CompiledCourse, data: PackedSearchIndex): CompiledQuiz[] {
	const searcher = createSearcher(data, RANK_ONLY, { memoizeTermFrequencies: true });
	return compiled.quizzes.map((quiz) => ({
		...quiz,
		questions: quiz.questions.map((question) => {
			if (question.teaches) return question;
			const correct = question.options.filter((o) => question.correct.includes(o.id)).map((o) => o.text);
			const query = [question.prompt, ...(question.type === 'true_false' ? [] : correct)].join(' ');
			const hit = searcher.bestSection(query, quiz.chapterId, CANDIDATE_SECTIONS);
			return hit ? { ...question, teaches: { anchor: hit.anchor, heading: hit.heading } } : question;
		}),
	}));
}
