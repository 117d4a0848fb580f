/**
 * Milestones a learner reaches, derived purely from records the app already keeps: chapter completions,
 * quiz results and streak days. Nothing is stored; each comes with the local day it was reached on where
 * the records tell (docs/decisions/0024). Also the one rule for when the course certificate is earned.
 */
import { localDate } from './dates.ts';
import { streakReachedOn } from './streaks.ts';

export const STREAK_MILESTONES = [7, 30, 100] as const;

export type MilestoneId = 'first_chapter' | 'first_pass' | `streak_${(typeof STREAK_MILESTONES)[number]}` | 'course_complete';

export interface Milestone {
	id: MilestoneId;
	title: string;
	reached: boolean;
	/** The learner's local day it was reached on ('YYYY-MM-DD'); null when not reached or not known. */
	reachedOn: string | null;
}

export interface QuizRecord {
	best: number;
	latest: number;
	attempts: number;
	/** The first attempt graded as a pass (under the pass mark of its day); null: none was. */
	firstPassedAt: Date | null;
}

export interface CourseChapter {
	id: string;
	/** The chapter's quiz; null when it has none. */
	quiz: { id: string; passMark: number } | null;
}

export interface MilestoneInput {
	chapters: readonly CourseChapter[];
	completions: readonly { chapterId: string; completedAt: Date }[];
	/** Results by quiz id. */
	quizzes: Readonly<Record<string, QuizRecord>>;
	activeDays: readonly string[];
	frozenDays: readonly string[];
	/** The learner's local date now. */
	today: string;
	timezone: string;
}

/** A quiz counts as passed when its best score reaches the pass mark in force now (as the progress view says). */
function passed(chapter: CourseChapter, quizzes: MilestoneInput['quizzes']): boolean {
	const record = chapter.quiz ? quizzes[chapter.quiz.id] : undefined;
	return chapter.quiz !== null && record !== undefined && record.best >= chapter.quiz.passMark;
}

function latest(dates: readonly (Date | null)[]): Date | null {
	if (dates.some((d) => d === null)) return null;
	return (dates as Date[]).reduce<Date | null>((max, d) => (max === null || d > max ? d : max), null);
}

/**
 * The certificate is earned once every quiz of the course is passed (a course without quizzes has none to
 * earn). `earnedAt` is when the last of them was first passed; null when a pass is not dated (its pass mark
 * was lowered after the attempt).
 */
export function certificateEarned(
	chapters: readonly CourseChapter[],
	quizzes: MilestoneInput['quizzes'],
): { earned: boolean; earnedAt: Date | null } {
	const withQuiz = chapters.filter((c) => c.quiz !== null);
	if (withQuiz.length === 0 || !withQuiz.every((c) => passed(c, quizzes))) return { earned: false, earnedAt: null };
	return { earned: true, earnedAt: latest(withQuiz.map((c) => quizzes[c.quiz?.id ?? '']?.firstPassedAt ?? null)) };
}

export function milestones(input: MilestoneInput): Milestone[] {
	const { chapters, completions, quizzes, timezone } = input;
	const known = new Set(chapters.map((c) => c.id));
	const completedAt = new Map(completions.filter((c) => known.has(c.chapterId)).map((c) => [c.chapterId, c.completedAt]));
	const day = (at: Date | null) => (at === null ? null : localDate(at, timezone));

	const firstCompletion = [...completedAt.values()].reduce<Date | null>((min, d) => (min === null || d < min ? d : min), null);
	const passedChapters = chapters.filter((c) => passed(c, quizzes));
	const passDates = passedChapters.map((c) => quizzes[c.quiz?.id ?? '']?.firstPassedAt ?? null).filter((d): d is Date => d !== null);
	const firstPass = passDates.reduce<Date | null>((min, d) => (min === null || d < min ? d : min), null);

	// Course complete: every chapter done — its quiz passed, or read when it has no quiz.
	const done = chapters.length > 0 && chapters.every((c) => (c.quiz ? passed(c, quizzes) : completedAt.has(c.id)));
	const completeAt = done
		? latest(chapters.map((c) => (c.quiz ? (quizzes[c.quiz.id]?.firstPassedAt ?? null) : (completedAt.get(c.id) ?? null))))
		: null;

	const streakInput = { activeDays: input.activeDays, frozenDays: input.frozenDays, today: input.today };
	return [
		{ id: 'first_chapter', title: 'First chapter read', reached: firstCompletion !== null, reachedOn: day(firstCompletion) },
		{ id: 'first_pass', title: 'First quiz passed', reached: passedChapters.length > 0, reachedOn: day(firstPass) },
		...STREAK_MILESTONES.map((length) => {
			const on = streakReachedOn(streakInput, length);
			return { id: `streak_${length}` as const, title: `${length}-day streak`, reached: on !== null, reachedOn: on };
		}),
		{ id: 'course_complete', title: 'Course complete', reached: done, reachedOn: day(completeAt) },
	];
}
