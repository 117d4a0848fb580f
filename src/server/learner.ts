/**
 * A learner's state assembled from the database and the course manifest: streak (with freezes),
 * progress and next step, tier entitlements. Shared by the API and the server-rendered pages.
 */
import type { Kysely } from 'kysely';
import type { PrivateManifest } from '../content/artifact.ts';
import type { TierPublic } from '../content/schemas.ts';
import type { ChapterState } from '../domain/chapter-state.ts';
import { diffDays, localDate, startOfNextLocalDay } from '../domain/dates.ts';
import { chapterMastery, type Mastery } from '../domain/mastery.ts';
import { type CourseChapter, certificateEarned, type Milestone, milestones } from '../domain/milestones.ts';
import { nextStep, percentComplete } from '../domain/next-step.ts';
import { computeStreak, freezesLeft, planFreezes } from '../domain/streaks.ts';
import { type Tier, tierAtLeast } from '../domain/tiers.ts';
import type { CurrentUser } from './auth/current-user.ts';
import type { ActivitySource, Database } from './db/schema.ts';
import { issueCertificate } from './repositories/certificates.ts';
import { addFrozenDays, type LearnerRecords, recordActivity, writeAndReadLearner } from './repositories/progress.ts';
import { dueReviewCount } from './reviews.ts';

export function tierDefinition(manifest: PrivateManifest, tier: Tier): TierPublic {
	const found = manifest.course.tiers.find((t) => t.id === tier);
	if (found) return found;
	// A tier missing from course.yaml inherits the closest lower tier's entitlements.
	const lower = manifest.course.tiers.filter((t) => tierAtLeast(tier, t.id)).pop();
	return (
		lower ?? {
			id: tier,
			name: tier,
			priceMonthly: 0,
			includes: [],
			quizAttemptsPerDay: null,
			streakFreezesPerMonth: 0,
			seats: null,
			checkoutUrl: null,
		}
	);
}

/** The sentence offering more quiz attempts: the first tier above `tier` without a daily limit, if the course has one. */
export function moreAttemptsOffer(manifest: PrivateManifest, tier: Tier): string | null {
	const above = manifest.course.tiers.find((t) => !tierAtLeast(tier, t.id) && t.quizAttemptsPerDay === null);
	return above ? `${above.name} includes unlimited quiz attempts.` : null;
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
	return streakFromRecords(db, manifest, user, now, await writeAndReadLearner(db, user.id, STREAK_RECORDS));
}

/** What the streak is computed from. */
export const STREAK_RECORDS = ['activeDays', 'frozenDays'] as const;

/** The streak from records already read (see writeAndReadLearner); writes only freezes that fell due. */
export async function streakFromRecords(
	db: Kysely<Database>,
	manifest: PrivateManifest,
	user: CurrentUser,
	now: Date,
	records: Pick<LearnerRecords, 'activeDays' | 'frozenDays'>,
): Promise<StreakView> {
	const today = localDate(now, user.timezone);
	const freezesPerMonth = tierDefinition(manifest, user.tier).streakFreezesPerMonth;
	const { activeDays, frozenDays: frozen } = records;
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

/** Records activity on the learner's local day and returns the streak after it, in one statement (plus due freezes). */
export async function checkInAndStreak(
	db: Kysely<Database>,
	manifest: PrivateManifest,
	user: CurrentUser,
	now: Date,
	source: ActivitySource,
): Promise<{ streak: StreakView; created: boolean }> {
	const day = localDate(now, user.timezone);
	const records = await writeAndReadLearner(db, user.id, STREAK_RECORDS, { activity: { day, source } });
	return { streak: await streakFromRecords(db, manifest, user, now, records), created: records.activityCreated };
}

/**
 * After a path recorded today's first activity with missed days before it (a quiz attempt), applies the
 * freezes that fall due, as a check-in or a chapter would: the streak is the same whichever way the
 * learner comes back. Costs a read only then.
 */
export async function applyDueFreezesAfterGap(
	db: Kysely<Database>,
	manifest: PrivateManifest,
	user: CurrentUser,
	now: Date,
	lastCoveredBeforeToday: string | null,
): Promise<void> {
	if (lastCoveredBeforeToday === null || tierDefinition(manifest, user.tier).streakFreezesPerMonth === 0) return;
	if (diffDays(lastCoveredBeforeToday, localDate(now, user.timezone)) <= 1) return;
	await streakFor(db, manifest, user, now);
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

export type { ChapterState } from '../domain/chapter-state.ts';

/** What the progress view is computed from. */
export const PROGRESS_RECORDS = ['completions', 'best', 'lastActiveDay', 'reviewCards'] as const;

export async function progressFor(db: Kysely<Database>, manifest: PrivateManifest, user: CurrentUser, now: Date): Promise<ProgressView> {
	const records = await writeAndReadLearner(db, user.id, PROGRESS_RECORDS);
	return progressFromRecords(manifest, user, records, await dueReviewCount(manifest, user, records.reviewCards, now));
}

/** Marks a chapter complete, counts the activity and returns the progress after it, in one statement. */
export async function completeChapterAndProgress(
	db: Kysely<Database>,
	manifest: PrivateManifest,
	user: CurrentUser,
	chapterId: string,
	now: Date,
): Promise<{ progress: ProgressView; created: boolean }> {
	const records = await writeAndReadLearner(db, user.id, [...PROGRESS_RECORDS, ...STREAK_RECORDS], {
		completeChapter: { chapterId, now },
		activity: { day: localDate(now, user.timezone), source: 'chapter' },
	});
	// Coming back after missed days through a chapter keeps the streak the freezes would save (no write otherwise).
	await streakFromRecords(db, manifest, user, now, records);
	const reviewsDue = await dueReviewCount(manifest, user, records.reviewCards, now);
	return { progress: progressFromRecords(manifest, user, records, reviewsDue), created: records.completionCreated };
}

/**
 * Progress, streak, the active days (for the heatmap), milestones, mastery and the certificate, read in one
 * statement; the certificate is written by a second one only on the view that first finds every quiz passed.
 */
export async function dashboardFor(db: Kysely<Database>, manifest: PrivateManifest, user: CurrentUser, now: Date) {
	const records = await writeAndReadLearner(db, user.id, [...PROGRESS_RECORDS, ...STREAK_RECORDS, ...CERTIFICATE_RECORDS]);
	const progress = progressFromRecords(manifest, user, records, await dueReviewCount(manifest, user, records.reviewCards, now));
	const streak = await streakFromRecords(db, manifest, user, now, records);
	return {
		progress,
		streak,
		activeDays: records.activeDays,
		// The streak's own frozen days: those just written for a missed day count too.
		milestones: milestonesFromRecords(manifest, user, { ...records, frozenDays: streak.frozenDays }, streak.today),
		mastery: masteryFromRecords(manifest, records),
		certificate: certificateFromRecords(manifest, records),
	};
}

/** The course's chapters with their quizzes, as the milestone and certificate rules take them. */
export function courseChapters(manifest: PrivateManifest): CourseChapter[] {
	const quizzes = new Map(manifest.quizzes.map((q) => [q.chapterId, q]));
	return manifest.chapters.map((c) => {
		const quiz = quizzes.get(c.id);
		return { id: c.id, quiz: quiz ? { id: quiz.id, passMark: quiz.passMark } : null };
	});
}

/** What the certificate is decided from. */
export const CERTIFICATE_RECORDS = ['quizzes', 'certificates'] as const;

export function milestonesFromRecords(
	manifest: PrivateManifest,
	user: CurrentUser,
	records: Pick<LearnerRecords, 'completions' | 'quizzes' | 'activeDays' | 'frozenDays'>,
	today: string,
): Milestone[] {
	return milestones({
		chapters: courseChapters(manifest),
		completions: records.completions.map((c) => ({ chapterId: c.chapter_id, completedAt: c.completed_at })),
		quizzes: records.quizzes,
		activeDays: records.activeDays,
		frozenDays: records.frozenDays,
		today,
		timezone: user.timezone,
	});
}

/**
 * Mastery per chapter, in reading order (src/domain/mastery.ts): quiz results, and the review queue — how far
 * the chapter's missed questions have climbed again: a card in box b counts b − 1 of its 4 steps (box 1: just
 * missed, 0 %; box 5: 100 %). A retired question has left the queue and no longer pulls mastery down.
 */
export function masteryFromRecords(
	manifest: PrivateManifest,
	records: Pick<LearnerRecords, 'completions' | 'quizzes'> & Partial<Pick<LearnerRecords, 'reviewCards'>>,
): ({ chapterId: string } & Mastery)[] {
	const completed = new Set(records.completions.map((c) => c.chapter_id));
	const recall = new Map<string, { correct: number; total: number }>();
	for (const card of records.reviewCards ?? []) {
		const r = recall.get(card.quizId) ?? { correct: 0, total: 0 };
		r.correct += card.box - 1;
		r.total += 4;
		recall.set(card.quizId, r);
	}
	return courseChapters(manifest).map((c) => {
		const results = c.quiz ? (records.quizzes[c.quiz.id] ?? null) : null;
		const reviews = c.quiz ? (recall.get(c.quiz.id) ?? null) : null;
		return { chapterId: c.id, ...chapterMastery({ completed: completed.has(c.id), quiz: c.quiz, results, reviews }) };
	});
}

export interface CertificateView {
	id: string;
	courseTitle: string;
	learnerName: string;
	issuedAt: Date;
}

/**
 * The learner's certificate for this course, as issued (it stays valid whatever the course adds later); null
 * until earned. Reading only: it is issued by the passing attempt that earns it (`issueCertificateIfEarned`).
 */
export function certificateFromRecords(manifest: PrivateManifest, records: Pick<LearnerRecords, 'certificates'>): CertificateView | null {
	return records.certificates.find((c) => c.courseId === manifest.course.id) ?? null;
}

/** The learner's certificate for this course; one statement to read (decision 0018). */
export async function certificateFor(db: Kysely<Database>, manifest: PrivateManifest, user: CurrentUser) {
	return certificateFromRecords(manifest, await writeAndReadLearner(db, user.id, ['certificates']));
}

/**
 * Issues the certificate once every quiz is passed, dated when the last of them was first passed. Idempotent: an
 * issued one is kept as it was. `records`: the quiz records and certificates already read (with the attempt
 * just made); without them they are read now, which a first pass must do after its attempt is committed
 * (submitAttempt says why).
 */
export async function issueCertificateIfEarned(
	db: Kysely<Database>,
	manifest: PrivateManifest,
	user: CurrentUser,
	now: Date,
	records?: Pick<LearnerRecords, 'quizzes' | 'certificates'>,
): Promise<void> {
	const read = records ?? (await writeAndReadLearner(db, user.id, CERTIFICATE_RECORDS));
	if (certificateFromRecords(manifest, read)) return;
	const earned = certificateEarned(courseChapters(manifest), read.quizzes);
	if (!earned.earned) return;
	await issueCertificate(db, {
		userId: user.id,
		courseId: manifest.course.id,
		courseTitle: manifest.course.title,
		learnerName: user.displayName,
		issuedAt: earned.earnedAt ?? now,
	});
}

/** Quiz records read before an attempt, with that attempt added (as a read after it would have them). */
export function withAttempt(
	quizzes: LearnerRecords['quizzes'],
	attempt: { quizId: string; percent: number; passed: boolean; at: Date },
): LearnerRecords['quizzes'] {
	const before = quizzes[attempt.quizId];
	return {
		...quizzes,
		[attempt.quizId]: {
			best: Math.max(before?.best ?? attempt.percent, attempt.percent),
			latest: attempt.percent,
			attempts: (before?.attempts ?? 0) + 1,
			firstPassedAt: before?.firstPassedAt ?? (attempt.passed ? attempt.at : null),
		},
	};
}

export type ProgressView = ReturnType<typeof progressFromRecords>;

/** The progress view from records already read: no I/O. `reviewsDue`: questions due in the review queue today (server/reviews.ts). */
export function progressFromRecords(
	manifest: PrivateManifest,
	user: CurrentUser,
	records: Pick<LearnerRecords, 'completions' | 'best' | 'lastActiveDay'>,
	reviewsDue = 0,
) {
	const { completions, best } = records;
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
		reviewsDue,
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
		lastActivityDay: records.lastActiveDay,
		reviewsDue,
		nextStep: step,
	};
}
