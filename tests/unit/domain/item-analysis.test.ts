import { describe, expect, it } from 'vitest';
import type { QuizKey } from '../../../src/domain/grading.ts';
import { type AttemptForAnalysis, analyzeQuiz, groupSize } from '../../../src/domain/item-analysis.ts';
import { drawn } from '../../../src/domain/quiz-draw.ts';

const key: QuizKey = {
	id: 'q',
	chapterId: 'c',
	title: 'Q',
	passMark: 50,
	questions: [
		{
			id: 'q1',
			type: 'single',
			prompt: 'One',
			options: [
				{ id: 'a', text: 'A' },
				{ id: 'b', text: 'B' },
				{ id: 'c', text: 'C' },
			],
			correct: ['a'],
			explanation: '',
			feedback: {},
		},
		{
			id: 'q2',
			type: 'multiple',
			prompt: 'Two',
			options: [
				{ id: 'x', text: 'X' },
				{ id: 'y', text: 'Y' },
				{ id: 'z', text: 'Z' },
			],
			correct: ['y', 'z'],
			explanation: '',
			feedback: {},
		},
		{
			id: 'q3',
			type: 'true_false',
			prompt: 'Three',
			options: [
				{ id: 'true', text: 'True' },
				{ id: 'false', text: 'False' },
			],
			correct: ['true'],
			explanation: '',
			feedback: {},
		},
	],
};

const first = (userId: string, q1: string[], q2: string[], q3: string[]): AttemptForAnalysis => ({
	userId,
	first: true,
	answers: { q1, q2, q3 },
	seed: null,
});

// Totals on first attempts: u1 2 (q1, q2), u2 2 (q2, q3), u3 1 (q3), u4 1 (q3), u5 2 (q1, q3).
const attempts: AttemptForAnalysis[] = [
	first('u1', ['a'], ['z', 'y'], ['false']),
	first('u2', ['b'], ['y', 'z'], ['true']),
	first('u3', ['b'], ['x'], ['true']),
	first('u4', ['c'], ['y'], ['true']),
	first('u5', ['a'], ['x', 'y'], ['true']),
	// A retry: counted in attempts, not in first-attempt figures.
	{ userId: 'u3', first: false, answers: { q1: ['a'], q2: ['y', 'z'], q3: ['true'] }, seed: null },
];

describe('analyzeQuiz', () => {
	const stats = analyzeQuiz(key, attempts);
	const [q1, q2, q3] = stats.questions;

	it('counts learners, attempts and the 27 % groups', () => {
		expect(stats.learners).toBe(5);
		expect(stats.attempts).toBe(6);
		// round(0.27 × 5) = round(1.35) = 1: upper = u1 (2, first id among the 2s), lower = u4 (last of the 1s by id).
		expect(stats.groupSize).toBe(1);
	});

	it('q1: 2 of 5 right first time; b is 2 of the 3 wrong answers; upper right, lower wrong', () => {
		expect(q1).toEqual({
			questionId: 'q1',
			prompt: 'One',
			attempts: 6,
			firstAttempts: 5,
			firstAttemptsCorrect: 2,
			firstAttemptCorrectRate: 0.4,
			wrongFirstAttempts: 3,
			mostChosenWrongOption: { optionId: 'b', text: 'B', count: 2, share: 2 / 3 },
			discrimination: 1,
		});
	});

	it('q2: a partly right multiple choice is wrong; only options outside the key count as wrong options', () => {
		// Wrong: u3 {x}, u4 {y} (no wrong option picked), u5 {x, y}: x picked by 2 of 3.
		expect(q2?.firstAttemptsCorrect).toBe(2);
		expect(q2?.wrongFirstAttempts).toBe(3);
		expect(q2?.mostChosenWrongOption).toEqual({ optionId: 'x', text: 'X', count: 2, share: 2 / 3 });
		expect(q2?.discrimination).toBe(1);
	});

	it('q3: the lower group does better, so the index is negative', () => {
		expect(q3?.firstAttemptCorrectRate).toBe(0.8);
		expect(q3?.mostChosenWrongOption).toEqual({ optionId: 'false', text: 'False', count: 1, share: 1 });
		expect(q3?.discrimination).toBe(-1);
	});

	it('uses only the first attempt flagged per learner and treats a malformed answer as wrong', () => {
		const s = analyzeQuiz(key, [
			{ userId: 'a', first: true, answers: { q1: ['a'], q2: 'y', q3: [] }, seed: null },
			{ userId: 'a', first: true, answers: { q1: ['b'] }, seed: null },
			{ userId: 'b', first: true, answers: { q1: ['c'], q2: ['y', 'z'], q3: ['true'] }, seed: null },
		]);
		expect(s.learners).toBe(2);
		expect(s.questions[0]?.firstAttemptsCorrect).toBe(1);
		// q2 of learner a is not an array: not counted as answered, wrong on first attempt.
		expect(s.questions[1]?.attempts).toBe(1);
		expect(s.questions[1]?.firstAttemptsCorrect).toBe(1);
		expect(s.questions[1]?.mostChosenWrongOption).toBeNull();
		// Upper = b (total 2), lower = a (total 1).
		expect(s.questions[0]?.discrimination).toBe(-1);
		expect(s.questions[2]?.discrimination).toBe(1);
	});

	it('has no rates and no index without learners, and no index with one', () => {
		const none = analyzeQuiz(key, []);
		expect(none.questions[0]?.firstAttemptCorrectRate).toBeNull();
		expect(none.questions[0]?.discrimination).toBeNull();
		const one = analyzeQuiz(key, [first('u', ['a'], ['y', 'z'], ['true'])]);
		expect(one.questions[0]?.firstAttemptCorrectRate).toBe(1);
		expect(one.questions[0]?.discrimination).toBeNull();
	});

	it('sizes groups at round(27 %), at least one learner from two learners on', () => {
		expect([0, 1, 2, 3, 10, 11, 100].map(groupSize)).toEqual([0, 0, 1, 1, 3, 3, 27]);
	});
});

describe('a pool (draw 2 of 3)', () => {
	const pool: QuizKey = { ...key, draw: 2 };
	const askedBy = (seed: number) => drawn(pool.questions, 2, seed).map((q) => q.id);
	const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
	/** Every learner answers exactly the questions their seed drew, all correctly. */
	const stats = analyzeQuiz(
		pool,
		seeds.map((seed) => ({
			userId: `u${seed}`,
			first: true,
			seed,
			answers: Object.fromEntries(askedBy(seed).map((id) => [id, pool.questions.find((q) => q.id === id)?.correct ?? []])),
		})),
	);

	it('counts a question only over the attempts that asked it: none wrong when every asked answer is right', () => {
		for (const q of stats.questions) {
			const asked = seeds.filter((seed) => askedBy(seed).includes(q.questionId)).length;
			expect(asked, 'the seeds leave some question out of some attempt').toBeLessThan(seeds.length);
			expect(q).toMatchObject({ attempts: asked, firstAttempts: asked, firstAttemptsCorrect: asked, wrongFirstAttempts: 0 });
			expect(q.firstAttemptCorrectRate).toBe(asked === 0 ? null : 1);
			expect(q.mostChosenWrongOption).toBeNull();
		}
	});

	it('compares the 27 % groups only among their learners asked the question', () => {
		const seedAsking = (ids: string[]) => seeds.find((seed) => askedBy(seed).join() === ids.join()) as number;
		const [s12, s23] = [seedAsking(['q1', 'q2']), seedAsking(['q2', 'q3'])];
		expect([s12, s23]).not.toContain(undefined);
		// Upper: asked q1, q2, both right (100 %). Lower: asked q2, q3, q3 wrong (50 %).
		const two = analyzeQuiz(pool, [
			{ userId: 'upper', first: true, seed: s12, answers: { q1: ['a'], q2: ['y', 'z'] } },
			{ userId: 'lower', first: true, seed: s23, answers: { q2: ['y', 'z'], q3: ['false'] } },
		]);
		expect(two.questions.map((q) => [q.questionId, q.firstAttempts, q.wrongFirstAttempts, q.discrimination])).toEqual([
			['q1', 1, 0, null],
			['q2', 2, 0, 0],
			['q3', 1, 1, null],
		]);
	});
});

describe('written questions', () => {
	it('count a short or numeric answer as correct by the grading rule', () => {
		const written: QuizKey = {
			...key,
			questions: [
				{ id: 'w1', type: 'short', prompt: 'Name', options: [], correct: [], accept: ['autolyse'], explanation: '', feedback: {} },
				{
					id: 'w2',
					type: 'numeric',
					prompt: 'Number',
					options: [],
					correct: [],
					answer: 3.5,
					tolerance: 0.1,
					explanation: '',
					feedback: {},
				},
			],
		};
		const stats = analyzeQuiz(written, [
			{ userId: 'u1', first: true, answers: { w1: ['Autolyse.'], w2: ['3,4'] }, seed: null },
			{ userId: 'u2', first: true, answers: { w1: ['levain'], w2: ['4'] }, seed: null },
		]);
		expect(stats.questions.map((q) => [q.questionId, q.firstAttemptsCorrect, q.mostChosenWrongOption])).toEqual([
			['w1', 1, null],
			['w2', 1, null],
		]);
	});
});
