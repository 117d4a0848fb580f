/**
 * A learner's state assembled from the database and the course manifest: streak (with freezes),
 * progress and next step, tier entitlements. Shared by the API and the server-rendered pages.
 */
import type { Kysely } from 'kysely';
import type { PrivateManifest } from '../content/artifact.ts';
import type { TierPublic } from '../content/schemas.ts';
import { localDate, startOfNextLocalDay } from '../domain/dates.ts';
import { nextStep, percentComplete } from '../domain/next-step.ts';
import { computeStreak, freezesLeft, planFreezes } from '../domain/streaks.ts';
import { type Tier, tierAtLeast } from '../domain/tiers.ts';
import type { CurrentUser } from './auth/current-user.ts';
import type { ActivitySource, Database } from './db/schema.ts';
import { addFrozenDays, listActivityDays, listCompletions, listFrozenDays, recordActivity } from './repositories/progress.ts';
import { bestPercentByQuiz } from './repositories/quizzes.ts';

export function tierDefinition(manifest: PrivateManifest, tier: Tier): TierPublic {
	const found = manifest.course.tiers.find((t) => t.id === tier);
	if (found) return found;
	// A tier missing from course.yaml inherits the closest lower tier's entitlements.
	const lower = manifest.course.tiers.filter((t) => tierAtLeast(tier, t.id)).pop();
	return (
		lower ?? { id: tier, name: tier, priceMonthly: 0, includes: [], quizAttemptsPerDay: null, streakFreezesPerMonth: 0, checkoutUrl: null }
	);
}

export interface StreakView {
	current: number;
	longest: number;
	lastActiveDay: string | null;
	todayDone: boolean;
	today: string;
	timezone: string;
	freezesLeft: number;
	freezesPerMonth: number;
	frozenDays: string[];
	/** When the learner's local day ends (ISO instant). */
	dayEndsAt: string;
}

/** Applies due streak freezes (persisted, idempotent) and computes the streak. */
export async function streakFor(db: Kysely<Database>, manifest: PrivateManifest, user: CurrentUser, now: Date): Promise<StreakView> {
	const today = localDate(now, user.timezone);
	const freezesPerMonth = tierDefinition(manifest, user.tier).streakFreezesPerMonth;
	const [activeDays, frozen] = await Promise.all([listActivityDays(db, user.id), listFrozenDays(db, user.id)]);
	const due = planFreezes({ activeDays, frozenDays: frozen, today, freezesPerMonth });
	if (due.length > 0) await addFrozenDays(db, user.id, due);
	const frozenDays = [...frozen, ...due].sort();
	const streak = computeStreak({ activeDays, frozenDays, today });
	return {
		...streak,
		today,
		timezone: user.timezone,
		freezesLeft: freezesLeft({ frozenDays, today, freezesPerMonth }),
		freezesPerMonth,
		frozenDays,
		dayEndsAt: startOfNextLocalDay(now, user.timezone).toISOString(),
	};
}

/** Records activity on the learner's local day; concurrent calls for one day count once. */
export async function recordLearnerActivity(
	db: Kysely<Database>,
	user: CurrentUser,
	now: Date,
	source: ActivitySource,
): Promise<{ day: string; created: boolean }> {
	const day = localDate(now, user.timezone);
	const { created } = await recordActivity(db, user.id, day, source);
	return { day, created };
}

export type ChapterState = 'not_started' | 'read' | 'quiz_passed';

export async function progressFor(db: Kysely<Database>, manifest: PrivateManifest, user: CurrentUser) {
	const [completions, best, activity] = await Promise.all([
		listCompletions(db, user.id),
		bestPercentByQuiz(db, user.id),
		listActivityDays(db, user.id),
	]);
	const completed = new Map(completions.map((c) => [c.chapter_id, c.completed_at]));
	const quizzes = new Map(manifest.quizzes.map((q) => [q.chapterId, q]));
	const chapters = manifest.chapters.map((c) => {
		const quiz = quizzes.get(c.id);
		const bestPercent = quiz ? (best[quiz.id] ?? null) : null;
		const passed = quiz !== undefined && bestPercent !== null && bestPercent >= quiz.passMark;
		const state: ChapterState = passed ? 'quiz_passed' : completed.has(c.id) ? 'read' : 'not_started';
		return {
			chapterId: c.id,
			title: c.title,
			position: c.position,
			order: c.order,
			tier: c.tier,
			state,
			completedAt: completed.get(c.id)?.toISOString() ?? null,
			bestPercent,
			passMark: quiz?.passMark ?? null,
		};
	});
	const step = nextStep({
		chapters: manifest.chapters.map((c) => ({
			id: c.id,
			title: c.title,
			order: c.order,
			hasQuiz: quizzes.has(c.id),
			passMark: quizzes.get(c.id)?.passMark ?? manifest.course.passMark,
		})),
		completed: [...completed.keys()],
		bestPercent: best,
		accessible: (id) => {
			const chapter = manifest.chapters.find((c) => c.id === id);
			return chapter ? tierAtLeast(user.tier, chapter.tier) : false;
		},
	});
	const validCompleted = chapters.filter((c) => c.completedAt !== null).length;
	return {
		chapters,
		completedChapters: completions
			.filter((c) => manifest.chapters.some((m) => m.id === c.chapter_id))
			.map((c) => ({ chapterId: c.chapter_id, completedAt: c.completed_at.toISOString() })),
		currentChapter: step.chapterId,
		percentComplete: percentComplete(manifest.chapters.length, validCompleted),
		bestScores: best,
		lastActivityDay: activity.at(-1) ?? null,
		nextStep: step,
	};
}
