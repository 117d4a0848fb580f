/**
 * The review queue as learners and the API see it: the due cards with their questions (never the key),
 * and one review answered, graded, moved and counted as study for the streak. The rules are
 * domain/review-queue.ts; the cards' storage is repositories/reviews.ts.
 */
import type { PrivateManifest } from '../content/artifact.ts';
import { checkAccess } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { type Answers, gradeQuiz, type QuizKey } from '../domain/grading.ts';
import { shownQuestion } from '../domain/reveal.ts';
import { applyAnswer, type CardPlace, dueCards, isDue, nextDueDay, type QueueCard, reviewRevealed } from '../domain/review-queue.ts';
import { chapterUrl } from '../content/urls.ts';
import { ApiError } from './api/errors.ts';
import type { CurrentUser } from './auth/current-user.ts';
import { checkInAndStreak } from './learner.ts';
import { assertCanRead } from './operations/shared.ts';
import { writeAndReadLearner } from './repositories/progress.ts';
import { type CardRow, cardForReview, moveCard } from './repositories/reviews.ts';
import { getServices } from './services.ts';

/** The keys of the quizzes the cards belong to that exist and the learner may open, and where each card's question is. */
async function placesFor(manifest: PrivateManifest, user: CurrentUser, cards: readonly QueueCard[]) {
	const { content } = await getServices();
	const keys = new Map<string, QuizKey>();
	const positions = new Map(manifest.chapters.map((c) => [c.id, c.position]));
	for (const quizId of new Set(cards.map((c) => c.quizId))) {
		const summary = manifest.quizzes.find((q) => q.id === quizId);
		if (!summary || !checkAccess(user.tier, summary.tier).allowed) continue;
		const key = await content.quizKey(quizId);
		if (key) keys.set(quizId, key);
	}
	const placeOf: CardPlace = (card) => {
		const key = keys.get(card.quizId);
		const questionPosition = key ? key.questions.findIndex((q) => q.id === card.questionId) : -1;
		if (!key || questionPosition < 0) return null;
		return { quizPosition: positions.get(key.chapterId) ?? Number.MAX_SAFE_INTEGER, questionPosition };
	};
	return { keys, placeOf };
}

/** How many questions are due today: the dashboard's line and the next step (a question removed from the course no longer counts). */
export async function dueReviewCount(manifest: PrivateManifest, user: CurrentUser, cards: readonly CardRow[], now: Date): Promise<number> {
	const today = localDate(now, user.timezone);
	const candidates = cards.filter((c) => isDue(c, today));
	if (candidates.length === 0) return 0;
	const { placeOf } = await placesFor(manifest, user, candidates);
	return dueCards(candidates, today, placeOf).length;
}

/** A calendar day as a learner reads it: "Wednesday 4 March". */
export function describeDay(day: string): string {
	return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
		new Date(`${day}T12:00:00Z`),
	);
}

export async function reviewQueueFor(user: CurrentUser, now: Date, limit: number) {
	const { content, db } = await getServices();
	const manifest = await content.manifest();
	const { reviewCards } = await writeAndReadLearner(db, user.id, ['reviewCards']);
	const today = localDate(now, user.timezone);
	const { keys, placeOf } = await placesFor(manifest, user, reviewCards);
	const due = dueCards(reviewCards, today, placeOf);
	const chapters = new Map(manifest.chapters.map((c) => [c.id, c]));
	return {
		today,
		timezone: user.timezone,
		dueCount: due.length,
		nextDueDay: nextDueDay(reviewCards, today, placeOf),
		waitingCount: reviewCards.filter((c) => !isDue(c, today) && placeOf(c) !== null).length,
		cards: due.slice(0, limit).map((card) => {
			const key = keys.get(card.quizId) as QuizKey;
			const question = key.questions.find((q) => q.id === card.questionId) as QuizKey['questions'][number];
			return {
				quizId: card.quizId,
				questionId: card.questionId,
				quizTitle: key.title,
				chapterId: key.chapterId,
				chapterTitle: chapters.get(key.chapterId)?.title ?? key.title,
				box: card.box,
				dueDay: card.dueDay,
				// Questions and options only: the correct options, explanations and feedback stay in the key.
				question: {
					id: question.id,
					type: question.type,
					prompt: question.prompt,
					options: question.options.map((o) => ({ id: o.id, text: o.text })),
				},
			};
		}),
	};
}

export type ReviewQueueView = Awaited<ReturnType<typeof reviewQueueFor>>;

/** Grades one review answer, moves its card and counts today as study (the check-in's own path). */
export async function submitReviewAnswer(user: CurrentUser, quizId: string, questionId: string, selected: string[], now: Date) {
	const { content, db } = await getServices();
	const manifest = await content.manifest();
	const notInQueue = () => new ApiError(404, 'not_in_review_queue', 'This question is not in your review queue.');
	const summary = manifest.quizzes.find((q) => q.id === quizId);
	if (!summary) throw notInQueue();
	assertCanRead(manifest, user, summary.tier, `Quiz "${summary.title}"`);
	const key = await content.quizKey(quizId);
	const question = key?.questions.find((q) => q.id === questionId);
	if (!key || !question) throw notInQueue();
	const today = localDate(now, user.timezone);
	const { card, passedEver } = await cardForReview(db, user.id, quizId, questionId);
	if (!card || card.retiredOn !== null) throw notInQueue();
	if (!isDue(card, today)) {
		throw new ApiError(
			409,
			'not_due',
			`This question is not due for review until ${describeDay(card.dueDay)}; this answer was not counted.`,
			{ dueDay: card.dueDay },
		);
	}
	const answers: Answers = { [questionId]: selected };
	const graded = gradeQuiz({ ...key, questions: [question] }, answers);
	if (!graded.ok) {
		const code = graded.problems[0]?.code;
		const sentence =
			code === 'missing_answer'
				? 'Choose an answer first.'
				: code === 'too_many_options'
					? 'This question takes exactly one answer.'
					: 'The answer names an option this question does not have.';
		throw new ApiError(400, 'invalid_answers', sentence, graded.problems);
	}
	const result = graded.questions[0];
	if (!result) throw notInQueue();
	const correct = result.correct === true;
	const next = applyAnswer(card, correct, today);
	if (next && !(await moveCard(db, { userId: user.id, quizId, questionId }, card, next, correct, now))) {
		throw new ApiError(409, 'already_answered', 'This question was just answered in another window; it is no longer due today.');
	}
	const { streak } = await checkInAndStreak(db, manifest, user, now, 'review');
	const after = next ?? card;
	const revealed = reviewRevealed(key.reveal, { passedEver, correct });
	const { id: _id, ...shown } = shownQuestion(result, revealed);
	const remaining = await reviewQueueFor(user, now, 1);
	const message = correct
		? after.retiredOn !== null
			? 'Right. You have now recalled this question at every interval: it leaves your review queue.'
			: `Right. It comes back on ${describeDay(after.dueDay)}.`
		: `Not quite. It comes back tomorrow, ${describeDay(after.dueDay)}.`;
	return {
		quizId,
		questionId,
		...shown,
		revealed,
		...(question.teaches
			? { teaches: { heading: question.teaches.heading, url: `${chapterUrl(key.chapterId)}#${question.teaches.anchor}` } }
			: {}),
		box: after.box,
		dueDay: after.retiredOn === null ? after.dueDay : null,
		retired: after.retiredOn !== null,
		message,
		remainingToday: remaining.dueCount,
		streak: { current: streak.current, todayDone: streak.todayDone },
		/** For the page: the prompt and option texts next to the feedback. */
		question,
	};
}
