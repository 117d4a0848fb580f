import { describe, expect, it } from 'vitest';
import type { GradedQuestion } from '../../../src/domain/grading.ts';
import { answersRevealed, REVEAL_POLICIES, shownQuestion } from '../../../src/domain/reveal.ts';

describe('answersRevealed', () => {
	const cases: [Parameters<typeof answersRevealed>[0], boolean, number | null, boolean][] = [
		// policy, passed ever, attempts left today, revealed
		[undefined, false, 2, false],
		[undefined, true, 2, true],
		[undefined, false, 0, true],
		[undefined, false, null, false],
		['after_pass', false, 0, false],
		['after_pass', true, null, true],
		['after_last_attempt', true, 1, false],
		['after_last_attempt', false, 0, true],
		['after_last_attempt', true, null, false],
		['always', false, 2, true],
		['never', true, 0, false],
	];
	it.each(cases)('%s, passed %s, %s left → %s', (policy, passedEver, attemptsLeftToday, expected) => {
		expect(answersRevealed(policy, { passedEver, attemptsLeftToday })).toBe(expected);
	});
	it('knows exactly the documented policies', () => {
		expect([...REVEAL_POLICIES]).toEqual(['after_pass', 'after_last_attempt', 'always', 'never']);
	});
});

describe('shownQuestion', () => {
	const graded: GradedQuestion = {
		id: 'q',
		correct: false,
		credit: 0,
		selected: ['a'],
		correctOptions: ['b'],
		explanation: 'Because b.',
		feedback: { a: 'Not a.' },
	};
	it('drops the correct options and explanation until revealed, keeping what the learner picked and its feedback', () => {
		expect(shownQuestion(graded, false)).toEqual({ id: 'q', correct: false, credit: 0, selected: ['a'], feedback: { a: 'Not a.' } });
		expect(shownQuestion(graded, true)).toEqual(graded);
	});
	it('keeps the right answer of a written question until revealed', () => {
		const written: GradedQuestion = { ...graded, selected: ['3'], correctOptions: [], correctAnswer: '3.5 (± 0.1)', feedback: {} };
		expect(shownQuestion(written, false)).not.toHaveProperty('correctAnswer');
		expect(shownQuestion(written, true)).toHaveProperty('correctAnswer', '3.5 (± 0.1)');
	});
});
