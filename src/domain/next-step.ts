/** "What should I do next?": one deterministic recommendation from the learner's progress. */

export interface StepChapter {
	id: string;
	title: string;
	order: number;
	hasQuiz: boolean;
	/** Percent needed to pass this chapter's quiz. */
	passMark: number;
}

export type NextStepKind = 'review' | 'start' | 'continue' | 'take_quiz' | 'retake_quiz' | 'done';

export interface NextStepInput {
	chapters: readonly StepChapter[];
	/** Ids of completed chapters; ids of unknown chapters are ignored. */
	completed: ReadonlySet<string> | readonly string[];
	/** Chapter id -> best quiz percent; no entry means the quiz was never attempted. */
	bestPercent: Readonly<Record<string, number>>;
	/** Whether the learner may open a chapter (and its quiz); defaults to everything. */
	accessible?: (chapterId: string) => boolean;
	/** Questions due in the learner's review queue today (domain/review-queue.ts); 0 when absent. */
	reviewsDue?: number;
}

export interface NextStep {
	kind: NextStepKind;
	chapterId: string | null;
	title: string | null;
	message: string;
}

interface Pending {
	chapter: StepChapter;
	kind: Exclude<NextStepKind, 'done' | 'review'>;
	best?: number;
}

/** What is left to do on one chapter, or null when it is finished (completed and quiz passed). */
function pendingFor(
	chapter: StepChapter,
	completed: ReadonlySet<string>,
	bestPercent: Readonly<Record<string, number>>,
	nothingCompleted: boolean,
): Pending | null {
	if (!completed.has(chapter.id)) return { chapter, kind: nothingCompleted ? 'start' : 'continue' };
	if (!chapter.hasQuiz) return null;
	const best = Object.hasOwn(bestPercent, chapter.id) ? bestPercent[chapter.id] : undefined;
	if (best === undefined) return { chapter, kind: 'take_quiz' };
	return best >= chapter.passMark ? null : { chapter, kind: 'retake_quiz', best };
}

function messageFor(p: Pending, locked: boolean): string {
	const t = `"${p.chapter.title}"`;
	if (locked) {
		const action = p.kind === 'take_quiz' || p.kind === 'retake_quiz' ? `the quiz for ${t}` : `the chapter ${t}`;
		return `You have done everything available on your current plan. Next is ${action}, which needs a plan upgrade.`;
	}
	switch (p.kind) {
		case 'start':
			return `Start with ${t}.`;
		case 'continue':
			return `Continue with ${t}.`;
		case 'take_quiz':
			return `Take the quiz for ${t} to check what you learned.`;
		case 'retake_quiz':
			return `Your best score on the ${t} quiz is ${p.best}%, below the ${p.chapter.passMark}% pass mark. Review the chapter and retake the quiz.`;
	}
}

/**
 * The learner's next step, deciding by these rules:
 *
 * 1. Chapters are walked in `order` (ties broken by id). Each chapter is pending when it is not
 *    completed ('start' if no chapter of the course is completed yet, else 'continue'), or when
 *    it is completed and has a quiz that was never attempted ('take_quiz') or whose best
 *    percent is below the chapter's pass mark ('retake_quiz'). A completed chapter without a
 *    quiz, or with a passed quiz, is finished.
 * 2. The first pending chapter the learner can access wins. So an unpassed quiz on an earlier
 *    chapter comes before reading a later one: we never move past a chapter whose quiz is
 *    outstanding. Chapters the learner cannot access are skipped, not blocking.
 * 3. If only inaccessible chapters are pending, the first of them is returned with the same
 *    kind and a message saying it needs an upgrade (so the UI can offer one).
 * 4. Nothing pending (including an empty course): 'done' with null chapterId and title.
 * 0. Before all of these: questions due in the review queue ('review', null chapterId and title). A review
 *    takes minutes and only works on its day, while a chapter waits as well tomorrow; the queue holds only
 *    questions missed on an earlier day, so it never stands between a learner and today's retake.
 */
export function nextStep({ chapters, completed, bestPercent, accessible = () => true, reviewsDue = 0 }: NextStepInput): NextStep {
	if (reviewsDue > 0) {
		const questions = reviewsDue === 1 ? '1 question you missed is' : `${reviewsDue} questions you missed are`;
		return {
			kind: 'review',
			chapterId: null,
			title: null,
			message: `${questions} due for review today. Answer them first: it takes a few minutes.`,
		};
	}
	const done = new Set(completed);
	const ordered = [...chapters].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const nothingCompleted = !ordered.some((c) => done.has(c.id));

	let firstLocked: Pending | undefined;
	for (const chapter of ordered) {
		const pending = pendingFor(chapter, done, bestPercent, nothingCompleted);
		if (pending === null) continue;
		if (accessible(chapter.id)) return toStep(pending, false);
		firstLocked ??= pending;
	}
	if (firstLocked) return toStep(firstLocked, true);
	return {
		kind: 'done',
		chapterId: null,
		title: null,
		message: ordered.length === 0 ? 'There are no chapters yet.' : 'You have completed every chapter and passed every quiz. Well done!',
	};
}

function toStep(p: Pending, locked: boolean): NextStep {
	return { kind: p.kind, chapterId: p.chapter.id, title: p.chapter.title, message: messageFor(p, locked) };
}

/**
 * Whole percent of chapters completed, rounded down so 100 is shown only when everything is
 * done. Clamped to 0-100; 0 for an empty course.
 */
export function percentComplete(total: number, completedCount: number): number {
	if (!(total > 0) || Number.isNaN(completedCount)) return 0;
	const done = Math.min(Math.max(completedCount, 0), total);
	return Math.floor((100 * done) / total);
}
