import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../../src/domain/dates.ts';
import {
	afterMiss,
	afterRecall,
	applyAnswer,
	type CardPlace,
	type CardState,
	dueCards,
	intervalOf,
	isDue,
	nextDueDay,
	type QueueCard,
	REVIEW_INTERVALS,
	recallTable,
	reviewRevealed,
	splitAttempt,
} from '../../../src/domain/review-queue.ts';

const card = (box: number, dueDay: string, retiredOn: string | null = null): CardState => ({ box, dueDay, retiredOn });

/** Answers a card on each listed day (right or wrong), as a learner working the queue would. */
function walk(start: CardState | null, answers: [string, boolean][]): (CardState | null)[] {
	const states: (CardState | null)[] = [];
	let state = start;
	for (const [day, correct] of answers) {
		state = applyAnswer(state, correct, day) ?? state;
		states.push(state);
	}
	return states;
}

describe('Leitner boxes', () => {
	it('has the intervals the issue names: 1, 3, 7, 14 and 30 days', () => {
		expect(REVIEW_INTERVALS).toEqual([1, 3, 7, 14, 30]);
		expect([1, 2, 3, 4, 5].map(intervalOf)).toEqual([1, 3, 7, 14, 30]);
		// Out-of-range boxes are clamped, never undefined.
		expect(intervalOf(0)).toBe(1);
		expect(intervalOf(9)).toBe(30);
	});

	it('puts a missed question in box 1, due the next day and not today', () => {
		const missed = afterMiss('2026-03-10');
		expect(missed).toEqual({ box: 1, dueDay: '2026-03-11', retiredOn: null });
		expect(isDue(missed, '2026-03-10')).toBe(false);
		expect(isDue(missed, '2026-03-11')).toBe(true);
		expect(isDue(missed, '2026-03-20')).toBe(true);
	});

	it('moves a right answer up one box with that box’s interval, and retires a card leaving box 5', () => {
		expect(afterRecall(1, '2026-03-11')).toEqual({ box: 2, dueDay: '2026-03-14', retiredOn: null });
		expect(afterRecall(2, '2026-03-14')).toEqual({ box: 3, dueDay: '2026-03-21', retiredOn: null });
		expect(afterRecall(3, '2026-03-21')).toEqual({ box: 4, dueDay: '2026-04-04', retiredOn: null });
		expect(afterRecall(4, '2026-04-04')).toEqual({ box: 5, dueDay: '2026-05-04', retiredOn: null });
		expect(afterRecall(5, '2026-05-04')).toEqual({ box: 5, dueDay: '2026-05-04', retiredOn: '2026-05-04' });
		expect(isDue(afterRecall(5, '2026-05-04'), '2027-01-01')).toBe(false);
	});

	it('sends a wrong review back to box 1 from any box (classic Leitner: not one box down)', () => {
		for (const box of [1, 2, 3, 4, 5]) expect(applyAnswer(card(box, '2026-03-01'), false, '2026-03-05')).toEqual(afterMiss('2026-03-05'));
	});

	it('walks a question from a miss to retirement on exactly the due days', () => {
		const states = walk(null, [
			['2026-01-05', false],
			['2026-01-06', true],
			['2026-01-09', true],
			['2026-01-16', true],
			['2026-01-30', true],
			['2026-03-01', true],
		]);
		expect(states.map((s) => s && [s.box, s.dueDay, s.retiredOn])).toEqual([
			[1, '2026-01-06', null],
			[2, '2026-01-09', null],
			[3, '2026-01-16', null],
			[4, '2026-01-30', null],
			[5, '2026-03-01', null],
			[5, '2026-03-01', '2026-03-01'],
		]);
	});

	it('counts an overdue recall from the day it was answered, not from the day it fell due', () => {
		expect(applyAnswer(card(2, '2026-03-01'), true, '2026-03-10')).toEqual({ box: 3, dueDay: '2026-03-17', retiredOn: null });
	});

	it('ignores a right answer to a card not due yet, and to a question that has no card', () => {
		expect(applyAnswer(card(1, '2026-03-11'), true, '2026-03-10')).toBeNull();
		expect(applyAnswer(card(3, '2026-03-20'), true, '2026-03-12')).toBeNull();
		expect(applyAnswer(null, true, '2026-03-10')).toBeNull();
		expect(applyAnswer(card(5, '2026-03-01', '2026-03-01'), true, '2026-04-01')).toBeNull();
	});

	it('brings a retired card back to box 1 when the question is missed again', () => {
		expect(applyAnswer(card(5, '2026-03-01', '2026-03-01'), false, '2026-06-01')).toEqual({
			box: 1,
			dueDay: '2026-06-02',
			retiredOn: null,
		});
	});

	it('is stable under same-day repeats: missing twice, or missing then answering right, leaves box 1 due tomorrow', () => {
		const day = '2026-03-10';
		const twice = walk(null, [
			[day, false],
			[day, false],
		]);
		expect(twice.at(-1)).toEqual(afterMiss(day));
		const thenRight = walk(null, [
			[day, false],
			[day, true],
		]);
		expect(thenRight.at(-1)).toEqual(afterMiss(day));
		// A due card answered right, then right again the same day (a retake): one step up only.
		const upOnce = walk(card(1, day), [
			[day, true],
			[day, true],
		]);
		expect(upOnce.at(-1)).toEqual({ box: 2, dueDay: '2026-03-13', retiredOn: null });
	});

	it('treats a question re-answered right in a later quiz attempt like a right review when it is due', () => {
		const { missed, right } = splitAttempt([
			{ id: 'a', correct: false },
			{ id: 'b', correct: true },
		]);
		expect(missed).toEqual(['a']);
		expect(right).toEqual(['b']);
		// Missed on Monday, the quiz retaken right on Wednesday: the card was due, so it moves up.
		const states = walk(null, [
			['2026-03-09', false],
			['2026-03-11', true],
		]);
		expect(states.at(-1)).toEqual({ box: 2, dueDay: '2026-03-14', retiredOn: null });
	});

	it('applies the same rule in the table the database uses as in afterRecall, for every box', () => {
		const today = '2026-12-31';
		const table = recallTable(today);
		expect(table.map((r) => r.fromBox)).toEqual([1, 2, 3, 4, 5]);
		for (const row of table) {
			const { fromBox, ...state } = row;
			expect(state).toEqual(afterRecall(fromBox, today));
		}
		expect(table[1]?.dueDay).toBe('2027-01-07');
	});
});

describe('days in the learner’s time zone', () => {
	it('is due the next calendar day across a DST change, whatever the hour count', () => {
		// Europe/Paris springs forward on 29 March 2026: the night of the 28th is 23 hours long.
		const evening = new Date('2026-03-28T22:30:00Z'); // 23:30 in Paris, before the change
		const today = localDate(evening, 'Europe/Paris');
		expect(today).toBe('2026-03-28');
		const missed = afterMiss(today);
		expect(missed.dueDay).toBe('2026-03-29');
		// 00:10 local on the 29th is only 40 minutes later, and already the due day.
		expect(isDue(missed, localDate(new Date('2026-03-28T23:10:00Z'), 'Europe/Paris'))).toBe(true);
		// New York falls back on 1 November 2026 (a 25-hour day): a box 2 card answered on 31 October is due 3 November.
		expect(afterRecall(1, localDate(new Date('2026-10-31T15:00:00Z'), 'America/New_York')).dueDay).toBe('2026-11-03');
	});

	it('uses the learner’s day, not UTC’s: one instant is two different todays', () => {
		const instant = new Date('2026-03-10T23:30:00Z');
		const inTokyo = localDate(instant, 'Asia/Tokyo'); // already the 11th
		const inLa = localDate(instant, 'America/Los_Angeles'); // still the 10th
		expect(inTokyo).toBe('2026-03-11');
		expect(inLa).toBe('2026-03-10');
		const missed = afterMiss('2026-03-10');
		expect(isDue(missed, inTokyo)).toBe(true);
		expect(isDue(missed, inLa)).toBe(false);
	});

	it('crosses month, year and leap days', () => {
		expect(afterMiss('2028-02-28').dueDay).toBe('2028-02-29');
		expect(afterRecall(4, '2028-02-15').dueDay).toBe('2028-03-16');
		expect(afterRecall(3, '2026-12-25').dueDay).toBe(addDays('2026-12-25', 14));
	});
});

describe('the due list', () => {
	const cards: QueueCard[] = [
		{ quizId: 'two', questionId: 'q1', box: 1, dueDay: '2026-03-10', retiredOn: null },
		{ quizId: 'one', questionId: 'q2', box: 2, dueDay: '2026-03-08', retiredOn: null },
		{ quizId: 'one', questionId: 'q1', box: 1, dueDay: '2026-03-10', retiredOn: null },
		{ quizId: 'one', questionId: 'q3', box: 1, dueDay: '2026-03-10', retiredOn: null },
		{ quizId: 'one', questionId: 'later', box: 3, dueDay: '2026-03-15', retiredOn: null },
		{ quizId: 'one', questionId: 'retired', box: 5, dueDay: '2026-03-01', retiredOn: '2026-03-01' },
		{ quizId: 'gone', questionId: 'q1', box: 1, dueDay: '2026-03-01', retiredOn: null },
		{ quizId: 'one', questionId: 'removed', box: 1, dueDay: '2026-03-01', retiredOn: null },
	];
	const quizPosition: Record<string, number> = { one: 1, two: 2 };
	const questions: Record<string, string[]> = { one: ['q3', 'q1', 'q2', 'later', 'retired'], two: ['q1'] };
	const placeOf: CardPlace = (c) => {
		const position = quizPosition[c.quizId];
		const index = questions[c.quizId]?.indexOf(c.questionId) ?? -1;
		return position === undefined || index < 0 ? null : { quizPosition: position, questionPosition: index };
	};

	it('lists due cards most overdue first, then by box, then in course order', () => {
		expect(dueCards(cards, '2026-03-10', placeOf).map((c) => `${c.quizId}/${c.questionId}`)).toEqual([
			'one/q2',
			'one/q3',
			'one/q1',
			'two/q1',
		]);
	});

	it('gives the same order whatever order the cards arrive in', () => {
		const expected = dueCards(cards, '2026-03-10', placeOf);
		expect(dueCards([...cards].reverse(), '2026-03-10', placeOf)).toEqual(expected);
		expect(
			dueCards(
				[...cards].sort((a, b) => (a.questionId < b.questionId ? 1 : -1)),
				'2026-03-10',
				placeOf,
			),
		).toEqual(expected);
	});

	it('leaves out questions removed from the course after a rebuild, whole quizzes too', () => {
		const due = dueCards(cards, '2026-03-10', placeOf);
		expect(due.some((c) => c.questionId === 'removed' || c.quizId === 'gone')).toBe(false);
	});

	it('names the next day a waiting card falls due, ignoring retired and removed ones', () => {
		expect(nextDueDay(cards, '2026-03-10', placeOf)).toBe('2026-03-15');
		expect(nextDueDay(cards, '2026-03-15', placeOf)).toBeNull();
		expect(dueCards([], '2026-03-10', placeOf)).toEqual([]);
	});
});

describe('what a review reveals', () => {
	it('follows the quiz’s reveal policy as an attempt without a daily limit would', () => {
		const wrong = (policy: Parameters<typeof reviewRevealed>[0], passedEver: boolean) =>
			reviewRevealed(policy, { passedEver, correct: false });
		expect(wrong(undefined, false)).toBe(false);
		expect(wrong(undefined, true)).toBe(true);
		expect(wrong('after_pass', false)).toBe(false);
		expect(wrong('after_pass', true)).toBe(true);
		expect(wrong('after_last_attempt', true)).toBe(false);
		expect(wrong('always', false)).toBe(true);
		expect(wrong('never', true)).toBe(false);
	});

	it('explains a right answer unless the course says never', () => {
		expect(reviewRevealed(undefined, { passedEver: false, correct: true })).toBe(true);
		expect(reviewRevealed('after_last_attempt', { passedEver: false, correct: true })).toBe(true);
		expect(reviewRevealed('never', { passedEver: true, correct: true })).toBe(false);
	});
});
