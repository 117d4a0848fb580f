/**
 * Grading and storing one quiz attempt — the single path used by the API (submitQuiz) and by the
 * quiz page's plain form post, so both enforce the same key, tier and daily limit.
 */
import type { Answers } from '../domain/grading.ts';
import { localDate, startOfNextLocalDay, timeUntil } from '../domain/dates.ts';
import { gradeQuiz } from '../domain/grading.ts';
import { answersRevealed, shownQuestion } from '../domain/reveal.ts';
import { splitAttempt } from '../domain/review-queue.ts';
import { chapterUrl } from '../content/urls.ts';
import { ApiError, notFound } from './api/errors.ts';
import type { CurrentUser } from './auth/current-user.ts';
import { applyDueFreezesAfterGap, moreAttemptsOffer, tierDefinition } from './learner.ts';
import { assertCanRead } from './operations/shared.ts';
import { recordAttempt } from './repositories/quizzes.ts';
import { getServices } from './services.ts';

export async function submitAttempt(user: CurrentUser, quizId: string, answers: Answers, now: Date) {
	const { content, db } = await getServices();
	const manifest = await content.manifest();
	const summary = manifest.quizzes.find((q) => q.id === quizId);
	if (!summary) throw notFound(`Quiz "${quizId}"`);
	assertCanRead(manifest, user, summary.tier, `Quiz "${summary.title}"`);
	const key = await content.quizKey(summary.id);
	if (!key) throw notFound(`Quiz "${quizId}"`);
	const graded = gradeQuiz(key, answers);
	if (!graded.ok) {
		const first = graded.problems[0];
		const more = graded.problems.length > 1 ? ` (and ${graded.problems.length - 1} more)` : '';
		throw new ApiError(400, 'invalid_answers', `The answers cannot be graded: ${first?.message}${more}`, graded.problems);
	}
	const limit = tierDefinition(manifest, user.tier).quizAttemptsPerDay;
	const day = localDate(now, user.timezone);
	// Earlier passes matter only to a failed attempt under a policy that reveals after a pass: ask only then.
	const historyMatters = !graded.passed && (key.reveal === undefined || key.reveal === 'after_pass');
	const input = {
		userId: user.id,
		quizId: key.id,
		answers,
		score: graded.score,
		total: graded.total,
		percent: graded.percent,
		passed: graded.passed,
		localDate: day,
		now,
		dailyLimit: limit,
		askPassedBefore: historyMatters,
		// Missed questions enter the review queue; right ones move up when due (domain/review-queue.ts).
		review: splitAttempt(graded.questions),
	};
	// With a daily limit, serialise one learner's submissions on their row so a burst cannot slip past it;
	// unlimited tiers need no lock and no transaction: one statement writes the attempt and the activity day.
	const recorded =
		limit === null
			? await recordAttempt(db, input)
			: await db.transaction().execute(async (trx) => {
					await trx.selectFrom('users').select('id').where('id', '=', user.id).forUpdate().execute();
					return recordAttempt(trx, input);
				});
	const { attempt } = recorded;
	if (!attempt) {
		const offer = moreAttemptsOffer(manifest, user.tier);
		const resetsAt = startOfNextLocalDay(now, user.timezone);
		const retryAfter = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
		throw new ApiError(
			429,
			'attempt_limit_reached',
			`You have used all ${limit} attempts at this quiz for today. They reset at midnight in ${user.timezone}, ${timeUntil(now, resetsAt)}.`,
			{ limit, resetsAt: resetsAt.toISOString(), ...(offer ? { upgrade: offer } : {}) },
			{ 'Retry-After': String(retryAfter) },
		);
	}
	await applyDueFreezesAfterGap(db, manifest, user, now, recorded.lastCoveredBeforeToday);
	const attemptsLeftToday = limit === null ? null : Math.max(0, limit - (recorded.usedBefore + 1));
	const passedEver = graded.passed || recorded.passedBefore;
	const revealed = answersRevealed(key.reveal, { passedEver, attemptsLeftToday });
	const teaches = new Map(key.questions.map((q) => [q.id, q.teaches]));
	return {
		attemptId: attempt.id,
		quizId: key.id,
		score: graded.score,
		total: graded.total,
		percent: graded.percent,
		passed: graded.passed,
		passMark: key.passMark,
		revealed,
		questions: graded.questions.map((q) => {
			const section = teaches.get(q.id);
			return {
				...shownQuestion(q, revealed),
				...(section ? { teaches: { heading: section.heading, url: `${chapterUrl(key.chapterId)}#${section.anchor}` } } : {}),
			};
		}),
		attemptsLeftToday,
		createdAt: attempt.created_at.toISOString(),
		/** The key's questions, for showing prompts and option texts next to the result. */
		key,
	};
}
