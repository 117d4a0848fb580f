import { describe, expect, it } from 'vitest';
import { chapterMastery } from '../../../src/domain/mastery.ts';

const quiz = { passMark: 70 };

describe('chapterMastery', () => {
	it('a chapter without a quiz: completion only, no score', () => {
		expect(chapterMastery({ completed: false, quiz: null, results: null })).toEqual({ level: 'not_started', score: null, basis: 'none' });
		expect(chapterMastery({ completed: true, quiz: null, results: null })).toEqual({
			level: 'completed',
			score: null,
			basis: 'completion',
		});
	});

	it('a quiz never attempted: learning once read, else not started', () => {
		expect(chapterMastery({ completed: false, quiz, results: null }).level).toBe('not_started');
		expect(chapterMastery({ completed: true, quiz, results: { best: 0, latest: 0, attempts: 0 } })).toEqual({
			level: 'learning',
			score: null,
			basis: 'completion',
		});
	});

	it('below the pass mark is learning, with the mean of best and latest as the score', () => {
		expect(chapterMastery({ completed: true, quiz, results: { best: 60, latest: 40, attempts: 2 } })).toEqual({
			level: 'learning',
			score: 50,
			basis: 'quiz',
		});
	});

	it('exactly the pass mark passes: proficient, not mastered', () => {
		expect(chapterMastery({ completed: false, quiz, results: { best: 70, latest: 70, attempts: 1 } }).level).toBe('proficient');
	});

	it('mastered needs the latest attempt passing and a mean of at least 90', () => {
		expect(chapterMastery({ completed: true, quiz, results: { best: 100, latest: 80, attempts: 2 } })).toEqual({
			level: 'mastered',
			score: 90,
			basis: 'quiz',
		});
		expect(chapterMastery({ completed: true, quiz, results: { best: 100, latest: 78, attempts: 2 } }).level).toBe('proficient');
		// A perfect best with a failing latest is not mastery, even when the mean would be high enough with a lower pass mark.
		expect(chapterMastery({ completed: true, quiz: { passMark: 85 }, results: { best: 100, latest: 80, attempts: 2 } }).level).toBe(
			'proficient',
		);
	});

	it('review results join as a third term and gate mastery on recall', () => {
		const strong = { best: 100, latest: 100, attempts: 1 };
		expect(chapterMastery({ completed: true, quiz, results: strong, reviews: { correct: 9, total: 10 } })).toEqual({
			level: 'mastered',
			score: 97,
			basis: 'quiz_and_reviews',
		});
		expect(chapterMastery({ completed: true, quiz, results: strong, reviews: { correct: 7, total: 10 } }).level).toBe('proficient');
		// No reviews answered yet: the quiz alone decides.
		expect(chapterMastery({ completed: true, quiz, results: strong, reviews: { correct: 0, total: 0 } }).basis).toBe('quiz');
	});

	it('reviews alone score a chapter without a quiz (or an untaken quiz) but never make it mastered', () => {
		expect(chapterMastery({ completed: true, quiz: null, results: null, reviews: { correct: 10, total: 10 } })).toEqual({
			level: 'proficient',
			score: 100,
			basis: 'reviews',
		});
		expect(chapterMastery({ completed: true, quiz, results: null, reviews: { correct: 1, total: 4 } }).level).toBe('learning');
	});

	it('clamps impossible percentages', () => {
		expect(chapterMastery({ completed: true, quiz, results: { best: 140, latest: Number.NaN, attempts: 1 } }).score).toBe(50);
	});
});
