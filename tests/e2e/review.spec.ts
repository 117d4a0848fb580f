/**
 * The review queue in Chromium: a learner fails a quiz, the clock moves to the next day (the server runs
 * with TEST_CLOCK=header, the browser sends X-Test-Now), the dashboard says how many questions are due,
 * /review asks them one at a time as plain forms (JavaScript off) and the dashboard count drops. axe finds
 * nothing on the dashboard and on /review, in light and dark, at 1280 and 390 px.
 */
import type { Page } from '@playwright/test';
import { expect, expectNoViolations, readBuildJson, SCREEN_WIDTHS, test } from './fixtures.ts';

interface QuizKey {
	id: string;
	questions: { id: string; type: 'single' | 'multiple' | 'true_false'; correct: string[]; options: { id: string }[] }[];
}

const key = readBuildJson<QuizKey>('private/quizzes/what-is-an-agent.json');
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString();

/** axe on what `from` shows, in a checker page with scripts (axe is a script), in both schemes and both widths. */
async function axeEverywhere(checker: Page, from: Page, label: string): Promise<void> {
	await checker.setContent(await from.content());
	for (const colorScheme of ['light', 'dark'] as const) {
		await checker.emulateMedia({ colorScheme });
		for (const width of SCREEN_WIDTHS) {
			await checker.setViewportSize({ width, height: width > 600 ? 800 : 844 });
			await expectNoViolations(checker, `${label} (${colorScheme}, ${width} px)`);
		}
	}
}

test('a missed question comes back the next day on /review, without JavaScript, and the dashboard count drops', async ({
	page,
	registerLearner,
	loginAs,
	newPage,
	snap,
}) => {
	// Twelve axe runs (three pages × two schemes × two widths) on two shared cores.
	test.setTimeout(300_000);
	const learner = await registerLearner({ timezone: 'UTC' });

	await test.step('fail the quiz: every answer wrong', async () => {
		await page.goto(`/quizzes/${key.id}/`);
		for (const q of key.questions) {
			const wrong = q.options.find((o) => !q.correct.includes(o.id));
			await page.locator(`input[name="${q.id}"][value="${wrong?.id}"]`).check();
		}
		await page.getByRole('button', { name: 'Submit answers' }).click();
		await expect(page.locator('[data-quiz-result]')).toHaveAttribute('data-passed', 'false');
		// Today nothing is due yet.
		await page.goto('/dashboard');
		await expect(page.locator('[data-reviews-due]')).toHaveCount(0);
	});

	// The next day, in a browser with JavaScript off.
	const next = await loginAs(learner, { javaScriptEnabled: false });
	await next.context().setExtraHTTPHeaders({ 'x-test-now': tomorrow() });
	const checker = await newPage();
	await checker.goto('/');
	const total = key.questions.length;

	await test.step('the dashboard says how many questions are due and links to /review', async () => {
		await next.goto('/dashboard');
		const line = next.locator('[data-reviews-due]');
		await expect(line).toHaveAttribute('data-reviews-due', String(total));
		await expect(line.getByRole('link', { name: `${total} questions to review` })).toHaveAttribute('href', '/review');
		await expect(next.locator('[data-next-step]')).toHaveAttribute('data-next-step', 'review');
		await axeEverywhere(checker, next, 'dashboard with reviews due');
		await line.getByRole('link').click();
		await expect(next).toHaveURL(/\/review$/);
	});

	await test.step('answer the first question right, then the second wrong', async () => {
		await expect(next.locator('[data-due-count]')).toHaveText(`${total} questions to review today.`);
		await axeEverywhere(checker, next, 'review question');
		await snap(next, 'review-question');
		const [quizId, questionId] = ((await next.locator('[data-review-card]').getAttribute('data-review-card')) ?? '').split('/');
		expect(quizId).toBe(key.id);
		const first = key.questions.find((q) => q.id === questionId);
		for (const id of first?.correct ?? []) await next.locator(`input[name="answer"][value="${id}"]`).check();
		await next.getByRole('button', { name: 'Check my answer' }).click();
		const result = next.locator('[data-review-result]');
		await expect(result).toHaveAttribute('data-correct', 'true');
		await expect(next.locator('[data-review-message]')).toContainText('Right. It comes back on');
		await axeEverywhere(checker, next, 'review feedback');
		await snap(next, 'review-feedback');

		await next.getByRole('link', { name: 'Next question' }).click();
		await expect(next.locator('[data-due-count]')).toHaveText(
			`${total - 1} ${total - 1 === 1 ? 'question' : 'questions'} to review today.`,
		);
		const secondId = (await next.locator('[data-review-card]').getAttribute('data-review-card'))?.split('/')[1];
		const second = key.questions.find((q) => q.id === secondId);
		const wrong = second?.options.find((o) => !second.correct.includes(o.id));
		await next.locator(`input[name="answer"][value="${wrong?.id}"]`).check();
		await next.getByRole('button', { name: 'Check my answer' }).click();
		await expect(next.locator('[data-review-result]')).toHaveAttribute('data-correct', 'false');
		await expect(next.locator('[data-review-message]')).toContainText('Not quite. It comes back tomorrow');
	});

	await test.step('the dashboard count drops by the two answered', async () => {
		await next.goto('/dashboard');
		await expect(next.locator('[data-reviews-due]')).toHaveAttribute('data-reviews-due', String(total - 2));
		await expect(next.locator('[data-streak-current]')).toHaveText('2');
	});
});
