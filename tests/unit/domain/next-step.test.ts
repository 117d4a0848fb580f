import { describe, expect, it } from 'vitest';
import type { StepChapter } from '../../../src/domain/next-step.ts';
import { nextStep, percentComplete } from '../../../src/domain/next-step.ts';

const chapters: StepChapter[] = [
	{ id: 'intro', title: 'Introduction', order: 1, hasQuiz: true, passMark: 70 },
	{ id: 'tools', title: 'Tool Use', order: 2, hasQuiz: true, passMark: 80 },
	{ id: 'glossary', title: 'Glossary', order: 3, hasQuiz: false, passMark: 70 },
	{ id: 'agents', title: 'Agents', order: 4, hasQuiz: true, passMark: 70 },
];

describe('nextStep', () => {
	it('starts with the first chapter when nothing is completed', () => {
		expect(nextStep({ chapters, completed: [], bestPercent: {} })).toEqual({
			kind: 'start',
			chapterId: 'intro',
			title: 'Introduction',
			message: 'Start with "Introduction".',
		});
	});

	it('walks chapters by order, not by array position', () => {
		const shuffled = [chapters[3], chapters[1], chapters[0], chapters[2]] as StepChapter[];
		expect(nextStep({ chapters: shuffled, completed: [], bestPercent: {} }).chapterId).toBe('intro');
		expect(nextStep({ chapters: shuffled, completed: ['intro'], bestPercent: { intro: 90 } }).chapterId).toBe('tools');
	});

	it('breaks order ties by id so the result is deterministic', () => {
		const tied: StepChapter[] = [
			{ id: 'b', title: 'B', order: 1, hasQuiz: false, passMark: 70 },
			{ id: 'a', title: 'A', order: 1, hasQuiz: false, passMark: 70 },
		];
		expect(nextStep({ chapters: tied, completed: [], bestPercent: {} }).chapterId).toBe('a');
	});

	it('asks to take the quiz of a completed chapter before moving on', () => {
		expect(nextStep({ chapters, completed: ['intro'], bestPercent: {} })).toEqual({
			kind: 'take_quiz',
			chapterId: 'intro',
			title: 'Introduction',
			message: expect.stringContaining('"Introduction"'),
		});
	});

	it('continues with the next chapter once the quiz is passed', () => {
		expect(nextStep({ chapters, completed: ['intro'], bestPercent: { intro: 70 } })).toEqual({
			kind: 'continue',
			chapterId: 'tools',
			title: 'Tool Use',
			message: 'Continue with "Tool Use".',
		});
	});

	it('asks to retake a failed quiz, mentioning the best score and pass mark', () => {
		const step = nextStep({ chapters, completed: ['intro', 'tools'], bestPercent: { intro: 100, tools: 79 } });
		expect(step).toMatchObject({ kind: 'retake_quiz', chapterId: 'tools', title: 'Tool Use' });
		expect(step.message).toContain('79%');
		expect(step.message).toContain('80%');
	});

	it('uses each chapter’s own pass mark, passing exactly at it', () => {
		expect(nextStep({ chapters, completed: ['intro', 'tools'], bestPercent: { intro: 70, tools: 80 } }).chapterId).toBe('glossary');
	});

	it('lets an earlier quiz issue win over later unread chapters', () => {
		const step = nextStep({ chapters, completed: ['intro', 'tools', 'glossary'], bestPercent: { intro: 50, tools: 90 } });
		expect(step).toMatchObject({ kind: 'retake_quiz', chapterId: 'intro' });
	});

	it('points at the earliest gap when chapters were completed out of order', () => {
		const step = nextStep({ chapters, completed: ['intro', 'agents'], bestPercent: { intro: 90, agents: 90 } });
		expect(step).toMatchObject({ kind: 'continue', chapterId: 'tools' });
	});

	it('uses continue, not start, when only a later chapter is completed', () => {
		expect(nextStep({ chapters, completed: ['agents'], bestPercent: { agents: 90 } })).toMatchObject({
			kind: 'continue',
			chapterId: 'intro',
		});
	});

	it('still says start when only quiz attempts or unknown chapter ids exist', () => {
		expect(nextStep({ chapters, completed: ['removed-chapter'], bestPercent: { intro: 40 } })).toMatchObject({
			kind: 'start',
			chapterId: 'intro',
		});
	});

	it('does not require a quiz for chapters without one', () => {
		const step = nextStep({
			chapters,
			completed: ['intro', 'tools', 'glossary'],
			bestPercent: { intro: 90, tools: 90 },
		});
		expect(step).toMatchObject({ kind: 'continue', chapterId: 'agents' });
	});

	it('is done when every chapter is completed and every quiz passed', () => {
		const step = nextStep({
			chapters,
			completed: new Set(['intro', 'tools', 'glossary', 'agents']),
			bestPercent: { intro: 90, tools: 80, agents: 100 },
		});
		expect(step).toEqual({ kind: 'done', chapterId: null, title: null, message: expect.stringContaining('completed every chapter') });
	});

	it('is not done while the last quiz is outstanding', () => {
		const completed = ['intro', 'tools', 'glossary', 'agents'];
		expect(nextStep({ chapters, completed, bestPercent: { intro: 90, tools: 80 } })).toMatchObject({
			kind: 'take_quiz',
			chapterId: 'agents',
		});
		expect(nextStep({ chapters, completed, bestPercent: { intro: 90, tools: 80, agents: 0 } })).toMatchObject({
			kind: 'retake_quiz',
			chapterId: 'agents',
		});
	});

	it('accepts completed as an array or a Set with the same result', () => {
		const bestPercent = { intro: 90 };
		expect(nextStep({ chapters, completed: ['intro'], bestPercent })).toEqual(
			nextStep({ chapters, completed: new Set(['intro']), bestPercent }),
		);
	});

	it('reports done for an empty course', () => {
		expect(nextStep({ chapters: [], completed: [], bestPercent: {} })).toEqual({
			kind: 'done',
			chapterId: null,
			title: null,
			message: 'There are no chapters yet.',
		});
	});

	it('ignores Object.prototype members in bestPercent', () => {
		const proto: StepChapter[] = [{ id: 'constructor', title: 'C', order: 1, hasQuiz: true, passMark: 70 }];
		expect(nextStep({ chapters: proto, completed: ['constructor'], bestPercent: {} }).kind).toBe('take_quiz');
	});

	describe('with accessible()', () => {
		const freeOnly = (id: string): boolean => id === 'intro' || id === 'glossary';

		it('skips locked chapters and recommends the next accessible one', () => {
			expect(nextStep({ chapters, completed: ['intro'], bestPercent: { intro: 90 }, accessible: freeOnly })).toMatchObject({
				kind: 'continue',
				chapterId: 'glossary',
				message: 'Continue with "Glossary".',
			});
		});

		it('falls back to the first locked pending chapter with an upgrade message', () => {
			const step = nextStep({
				chapters,
				completed: ['intro', 'glossary'],
				bestPercent: { intro: 90 },
				accessible: freeOnly,
			});
			expect(step).toMatchObject({ kind: 'continue', chapterId: 'tools', title: 'Tool Use' });
			expect(step.message).toContain('upgrade');
			expect(step.message).toContain('"Tool Use"');
		});

		it('does not recommend a quiz the learner can no longer open while accessible work remains', () => {
			// Completed "tools" on a paid plan, failed its quiz, then downgraded.
			const step = nextStep({
				chapters,
				completed: ['intro', 'tools'],
				bestPercent: { intro: 90, tools: 10 },
				accessible: freeOnly,
			});
			expect(step).toMatchObject({ kind: 'continue', chapterId: 'glossary' });
		});

		it('keeps the kind of a locked quiz step', () => {
			const step = nextStep({
				chapters,
				completed: ['intro', 'tools', 'glossary'],
				bestPercent: { intro: 90, tools: 10 },
				accessible: freeOnly,
			});
			expect(step).toMatchObject({ kind: 'retake_quiz', chapterId: 'tools' });
			expect(step.message).toContain('upgrade');
		});

		it('is done only when locked chapters are finished too', () => {
			const all = { completed: ['intro', 'tools', 'glossary', 'agents'], bestPercent: { intro: 90, tools: 90, agents: 90 } };
			expect(nextStep({ chapters, ...all, accessible: () => false }).kind).toBe('done');
		});
	});
});

describe('percentComplete', () => {
	it('computes whole percents', () => {
		expect(percentComplete(4, 0)).toBe(0);
		expect(percentComplete(4, 1)).toBe(25);
		expect(percentComplete(4, 4)).toBe(100);
		expect(percentComplete(3, 1)).toBe(33);
		expect(percentComplete(3, 2)).toBe(66);
	});

	it('shows 100 only when everything is complete', () => {
		expect(percentComplete(200, 199)).toBe(99);
	});

	it('clamps and handles empty or bad input', () => {
		expect(percentComplete(0, 0)).toBe(0);
		expect(percentComplete(0, 3)).toBe(0);
		expect(percentComplete(-1, 1)).toBe(0);
		expect(percentComplete(4, 9)).toBe(100);
		expect(percentComplete(4, -2)).toBe(0);
		expect(percentComplete(Number.NaN, 1)).toBe(0);
		expect(percentComplete(4, Number.NaN)).toBe(0);
	});
});

describe('nextStep with the review queue', () => {
	it('puts due reviews before any chapter step, with no chapter', () => {
		expect(nextStep({ chapters, completed: ['intro'], bestPercent: { intro: 40 }, reviewsDue: 3 })).toEqual({
			kind: 'review',
			chapterId: null,
			title: null,
			message: '3 questions you missed are due for review today. Answer them first: it takes a few minutes.',
		});
		expect(nextStep({ chapters, completed: [], bestPercent: {}, reviewsDue: 1 }).message).toMatch(/^1 question you missed is due/);
	});

	it('reviews before "done", and the chapter rule again once nothing is due', () => {
		const all = chapters.map((c) => c.id);
		const passed = { intro: 100, tools: 100, agents: 100 };
		expect(nextStep({ chapters, completed: all, bestPercent: passed, reviewsDue: 2 }).kind).toBe('review');
		expect(nextStep({ chapters, completed: all, bestPercent: passed, reviewsDue: 0 }).kind).toBe('done');
		expect(nextStep({ chapters, completed: ['intro'], bestPercent: { intro: 40 }, reviewsDue: 0 }).kind).toBe('retake_quiz');
	});
});
