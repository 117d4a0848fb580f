/** The quiz records a pass decides its certificate from: those its statement read, with the pass added. */
import { describe, expect, it } from 'vitest';
import { withAttempt } from '../../../src/server/learner.ts';

const at = new Date('2026-12-02T10:00:00Z');
const earlier = new Date('2026-11-30T08:00:00Z');

describe('withAttempt', () => {
	it('adds a first attempt at a quiz as its best, latest and first pass', () => {
		expect(withAttempt({}, { quizId: 'q', percent: 80, passed: true, at })).toEqual({
			q: { best: 80, latest: 80, attempts: 1, firstPassedAt: at },
		});
	});

	it('keeps a higher best and the earlier first pass, counts the attempt and makes it the latest', () => {
		const before = {
			q: { best: 100, latest: 60, attempts: 4, firstPassedAt: earlier },
			other: { best: 50, latest: 50, attempts: 1, firstPassedAt: null },
		};
		const after = withAttempt(before, { quizId: 'q', percent: 90, passed: true, at });
		expect(after).toEqual({ q: { best: 100, latest: 90, attempts: 5, firstPassedAt: earlier }, other: before.other });
		expect(before.q.attempts).toBe(4);
	});

	it('dates the first pass by this attempt when the earlier ones reached the mark without being graded a pass', () => {
		const before = { q: { best: 70, latest: 70, attempts: 1, firstPassedAt: null } };
		expect(withAttempt(before, { quizId: 'q', percent: 75, passed: true, at }).q).toEqual({
			best: 75,
			latest: 75,
			attempts: 2,
			firstPassedAt: at,
		});
		expect(withAttempt(before, { quizId: 'q', percent: 40, passed: false, at }).q).toEqual({
			best: 70,
			latest: 40,
			attempts: 2,
			firstPassedAt: null,
		});
	});
});
