/**
 * Starting, grading and storing one quiz attempt — the single path used by the API (startQuiz, submitQuiz) and
 * by the quiz page and its plain form post, so all enforce the same key, draw, tier and daily limit.
 */
import { randomInt } from 'node:crypto';
import type { Answers, KeyedQuestion, QuizKey } from '../domain/grading.ts';
import { attemptQuestions, needsSeed, SEED_LIMIT } from '../domain/quiz-draw.ts';
import { localDate, startOfNextLocalDay, timeUntil } from '../domain/dates.ts';
import { gradeQuiz } from '../domain/grading.ts';
import { answersRevealed, shownQuestion } from '../domain/reveal.ts';
import { splitAttempt } from '../domain/review-queue.ts';
import { chapterUrl } from '../content/urls.ts';
import { ApiError, notFound } from './api/errors.ts';
import type { CurrentUser } from './auth/current-user.ts';
import { applyDueFreezesAfterGap, issueCertificateIfEarned, moreAttemptsOffer, tierDefinition, withAttempt } from './learner.ts';
import { assertCanRead } from './operations/shared.ts';
import { currentDraw, openDraw, recordAttempt } from './repositories/quizzes.ts';
import { log } from './log.ts';
import { getServices } from './services.ts';

export interface AttemptLayout {
	/** null: the quiz asks every question in the author's order (it neither draws nor shuffles, or was not started). */
	seed: number | null;
	/** The questions of this attempt, in the order shown, options in the order shown. */
	questions: KeyedQuestion[];
}

/**
 * The questions a learner answers in their next attempt. With `start`, a quiz that draws or shuffles gets an
 * open draw (kept until submitted, so reloading the page or asking again gives the same questions); without
 * it, only an existing draw is read.
 */
export async function attemptLayout(user: CurrentUser, key: QuizKey, { start }: { start: boolean }): Promise<AttemptLayout> {
	if (!needsSeed(key)) return { seed: null, questions: key.questions };
	const { db } = await getServices();
	const seed = start ? await openDraw(db, user.id, key.id, randomInt(0, SEED_LIMIT)) : await currentDraw(db, user.id, key.id);
	return seed === null ? { seed: null, questions: key.questions } : { seed, questions: attemptQuestions(key, seed) };
}

async function readableQuiz(user: CurrentUser, quizId: string) {
	const { content } = await getServices();
	const manifest = await content.manifest();
	const summary = manifest.quizzes.find((q) => q.id === quizId);
	if (!summary) throw notFound(`Quiz "${quizId}"`);
	assertCanRead(manifest, user, summary.tier, `Quiz "${summary.title}"`);
	const key = await content.quizKey(summary.id);
	if (!key) throw notFound(`Quiz "${quizId}"`);
	return { manifest, summary, key };
}

/** Starts (or resumes) an attempt: the questions the learner is to answer, from the attempt's seed. */
export async function startAttempt(user: CurrentUser, quizId: string) {
	const { summary, key } = await readableQuiz(user, quizId);
	const layout = await attemptLayout(user, key, { start: true });
	return { summary, key, ...layout };
}

export async function submitAttempt(user: CurrentUser, quizId: string, answers: Answers, now: Date) {
	const { db } = await getServices();
	const { manifest, summary, key } = await readableQuiz(user, quizId);
	const layout = await attemptLayout(user, key, { start: false });
	// A pool cannot be graded without knowing which questions were asked; a shuffle alone changes nothing in grading.
	if (layout.seed === null && key.draw !== undefined) {
		throw new ApiError(
			409,
			'quiz_not_started',
			`Each attempt at "${key.title}" asks ${key.draw} of its ${key.questions.length} questions: start the quiz first (startQuiz) to get this attempt's questions, then answer those.`,
		);
	}
	const graded = gradeQuiz({ ...key, questions: layout.questions }, answers);
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
		seed: layout.seed,
		// A pass may complete the course: the records that decide the certificate, read in the same statement.
		readQuizRecords: graded.passed,
	};
	// With a daily limit, serialise one learner's submissions on their row so a burst cannot slip past it.
	// FOR NO KEY UPDATE: it excludes the other locked submissions but not the key-share locks that the foreign
	// keys of a lock-free submission's inserts take on the row (FOR UPDATE would, and the two could deadlock).
	// Without a limit, one statement writes the attempt, the activity day and the review queue.
	const recorded =
		limit === null
			? await recordAttempt(db, input)
			: await db.transaction().execute(async (trx) => {
					await trx.selectFrom('users').select('id').where('id', '=', user.id).forNoKeyUpdate().execute();
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
	if (recorded.recordsBefore) {
		// The certificate (decision 0024). Only a first pass of a quiz at today's pass mark changes which quizzes
		// are passed; it reads the records again once its attempt is committed, so of two final passes at once
		// the later read sees both and neither is missed. Any other pass decides from the records its own
		// statement read (a course completed without a new pass, e.g. a quiz removed, is issued then).
		// The pass mark the certificate is decided by: the manifest's (the key is a separate file).
		const earlier = recorded.recordsBefore.quizzes[key.id];
		const firstPass = earlier === undefined || earlier.best < summary.passMark;
		const records = firstPass
			? undefined
			: {
					quizzes: withAttempt(recorded.recordsBefore.quizzes, {
						quizId: key.id,
						percent: graded.percent,
						passed: true,
						at: attempt.created_at,
					}),
					certificates: recorded.recordsBefore.certificates,
				};
		// The attempt is committed: a failure here must not turn it into an error the learner would retry (a second
		// attempt, and one more of the day's). The certificate is then issued by their next pass.
		await issueCertificateIfEarned(db, manifest, user, now, records).catch((error: unknown) =>
			log.error({ err: error, userId: user.id, quizId: key.id }, 'issuing the certificate after a pass failed'),
		);
	}
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
		/** The attempt's questions as they were shown. */
		layout,
	};
}
