/**
 * The learner's journey end to end (issue "student's browser experience"): sign up, read, mark
 * complete, fail then pass the quiz, see it on the dashboard, meet the paywall, get upgraded by
 * an admin, read the premium chapter, sign out. Screenshots of the key pages go to
 * test-results/screenshots/ at desktop and phone widths.
 */
import type { Page } from '@playwright/test';
import { distinctiveSentence, expect, readBuildJson, test, todayIn } from './fixtures.ts';

interface Manifest {
	chapters: { id: string; order: number; title: string; tier: string }[];
}
interface QuizKey {
	id: string;
	passMark: number;
	questions: { id: string; type: 'single' | 'multiple' | 'true_false'; correct: string[]; options: { id: string }[] }[];
}

const manifest = readBuildJson<Manifest>('private/manifest.json');
const chapters = [...manifest.chapters].sort((a, b) => a.order - b.order);
const first = chapters[0]!;
const premium = chapters.find((c) => c.tier !== 'free')!;
const premiumSentence = distinctiveSentence(readBuildJson<{ html: string }>(`private/chapters/${premium.id}.json`).html);
const key = readBuildJson<QuizKey>('private/quizzes/what-is-an-agent.json');
const expectedPercent = Math.floor(100 / chapters.length);

/**
 * How many questions to get wrong so the attempt fails. With one wrong answer out of six the
 * learner still scores 83% against a 70% pass mark, so the failing attempt needs as few wrong
 * answers as it takes to fall under the mark (two for the current quiz).
 */
function wrongAnswersToFail(quiz: QuizKey): number {
	const n = quiz.questions.length;
	for (let wrong = 1; wrong <= n; wrong++) if (Math.round((100 * (n - wrong)) / n) < quiz.passMark) return wrong;
	throw new Error('this quiz cannot be failed');
}

/** Answers every question on the quiz form (correctly, except the first `wrong` questions) and submits it. */
async function answerQuiz(page: Page, quiz: QuizKey, wrong = 0): Promise<void> {
	for (const [index, question] of quiz.questions.entries()) {
		const incorrect = question.options.find((o) => !question.correct.includes(o.id))!;
		const picks = index < wrong ? [incorrect.id] : question.correct;
		for (const option of question.options) {
			const input = page.locator(`input[name="${question.id}"][value="${option.id}"]`);
			// Checkboxes keep earlier choices on a retake in place; radios switch by checking another.
			if (question.type === 'multiple') await input.setChecked(picks.includes(option.id));
			else if (picks.includes(option.id)) await input.check();
		}
	}
	await page.getByRole('button', { name: 'Submit answers' }).click();
}

test('a new learner reads, passes a quiz, gets upgraded and signs out', async ({ page, registerLearner, loginAs, snap }) => {
	test.setTimeout(120_000);
	const timezone = 'Pacific/Auckland';

	await test.step('home page', async () => {
		await page.goto('/');
		await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
		await snap(page, 'home');
	});

	const learner = await test.step('register a new learner', async () => {
		const registered = await registerLearner({ timezone });
		// A new account is welcomed, not welcomed back.
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${registered.displayName}`);
		return registered;
	});

	await test.step('read chapter 1 and mark it complete', async () => {
		await page.goto('/');
		const listed = page.getByRole('list', { name: 'Chapters' }).getByRole('listitem').first().locator('.meta');
		const minutes = (await listed.textContent())?.match(/(\d+) min/)?.[1];
		expect(minutes).toBeTruthy();
		await page.getByRole('link', { name: 'Start reading' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
		// One reading-time figure: the chapter page says what the home page said.
		await expect(page.locator('.meta').first()).toContainText(`${minutes} min`);
		const status = page.locator('[data-chapter-status]');
		await expect(status).toHaveAttribute('data-chapter-status', 'not_started');
		await snap(page, 'chapter');
		await status.getByRole('button', { name: 'Mark chapter complete' }).click();
		await expect(status).toHaveAttribute('data-chapter-status', 'read');
	});

	await test.step('take its quiz: a failing attempt, then a passing retake', async () => {
		await page.locator('[data-chapter-status]').getByRole('link', { name: 'Take the quiz' }).click();
		await expect(page).toHaveURL(new RegExp(`/quizzes/${key.id}/$`));
		const wrong = wrongAnswersToFail(key);
		await answerQuiz(page, key, wrong);
		const result = page.locator('[data-quiz-result]');
		await expect(result).toHaveAttribute('data-passed', 'false');
		await expect(result.getByRole('heading', { name: /Not passed yet/ })).toBeVisible();
		await expect(result.locator('[data-correct="false"]')).toHaveCount(wrong);

		// With JavaScript the result appears under the form, which stays for a retake in place.
		await expect(page).toHaveURL(new RegExp(`/quizzes/${key.id}/$`));
		await answerQuiz(page, key);
		await expect(result).toHaveAttribute('data-passed', 'true');
		await expect(result).toHaveAttribute('data-percent', '100');
		await expect(result.locator('[data-correct="false"]')).toHaveCount(0);
		await snap(page, 'quiz-result');
	});

	await test.step('the dashboard shows progress, best score, streak and today in the heatmap', async () => {
		await page.getByRole('link', { name: 'Your dashboard' }).click();
		await expect(page).toHaveURL(/\/dashboard$/);
		await expect(page.locator('[data-percent-complete]')).toHaveText(`${expectedPercent}%`);
		await expect(page.locator(`tr[data-chapter="${first.id}"]`)).toContainText('100%');
		await expect(page.locator(`tr[data-chapter="${first.id}"]`)).toHaveAttribute('data-state', 'quiz_passed');
		await expect(page.locator('[data-next-step]').getByRole('link', { name: 'Continue reading' })).toHaveAttribute(
			'href',
			`/chapters/${chapters[1]!.id}/`,
		);
		await expect(page.locator('[data-streak-current]')).toHaveText('1');
		const today = todayIn(learner.timezone);
		// One cell studied, and it is today's, drawn filled: its colour comes from the class through <use>, so the shared
		// square paints nothing of its own.
		await expect(page.locator('svg[data-heatmap] #hm-cell')).not.toHaveAttribute('fill');
		await expect(page.locator('svg[data-heatmap] #hm-cell')).not.toHaveAttribute('class');
		const studied = page.locator('svg[data-heatmap] .hm-active');
		await expect(studied).toHaveCount(1);
		await expect(studied).toHaveClass(/\bhm-today\b/);
		await expect(studied.locator('title')).toHaveText(`${today}: studied`);
		expect(await studied.evaluate((el) => getComputedStyle(el).fill)).not.toBe(
			await page
				.locator('svg[data-heatmap] .hm-none')
				.first()
				.evaluate((el) => getComputedStyle(el).fill),
		);
		await snap(page, 'dashboard');
	});

	await test.step('a premium chapter shows the paywall, and its text is not in the page', async () => {
		const response = await page.goto(`/chapters/${premium.id}/`);
		await expect(page.locator('[data-paywall]')).toContainText('Your current plan does not include');
		expect(await response!.text()).not.toContain(premiumSentence);
		await snap(page, 'paywall');
	});

	await test.step('an admin finds the learner and upgrades them to premium', async () => {
		const admin = await loginAs('admin');
		await admin.goto('/admin');
		await admin.getByLabel('Find a learner by email or name').fill(learner.email);
		await admin.getByRole('main').getByRole('button', { name: 'Search' }).click();
		await admin
			.locator('[data-admin-results]')
			.getByRole('link', { name: new RegExp(learner.displayName) })
			.click();
		await expect(admin.locator('[data-admin-learner]')).toContainText(learner.email);
		await admin.getByLabel('New tier').selectOption('premium');
		await admin.getByLabel(/^Reason/).fill('End-to-end test upgrade');
		await admin.getByRole('button', { name: 'Change tier' }).click();
		await expect(admin.getByRole('status')).toHaveText('Tier changed from free to premium.');
		await expect(admin.locator('[data-admin-learner] table')).toContainText('End-to-end test upgrade');
		await snap(admin, 'admin');
	});

	await test.step('the premium chapter now reads in full', async () => {
		await page.goto(`/chapters/${premium.id}/`);
		await expect(page.locator('[data-paywall]')).toHaveCount(0);
		await expect(page.locator('article .prose')).toContainText(premiumSentence);
	});

	await test.step('sign out from the account page', async () => {
		await page.goto('/account');
		await expect(page.locator('[data-tier]')).toHaveAttribute('data-tier', 'premium');
		await snap(page, 'account');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page).toHaveURL(/\/$/);
		await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
		await page.goto('/dashboard');
		await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
	});
});

test('the quiz works as a plain form post with JavaScript disabled', async ({ newPage, registerLearner }) => {
	const page = await newPage({ javaScriptEnabled: false });
	await registerLearner({ page });
	await page.goto(`/quizzes/${key.id}/`);
	await answerQuiz(page, key);
	await expect(page).toHaveURL(new RegExp(`/quizzes/${key.id}/result$`));
	await expect(page.locator('[data-quiz-result]')).toHaveAttribute('data-passed', 'true');
	await expect(page.getByRole('heading', { name: /Passed/ })).toBeVisible();
	await page.goto('/dashboard');
	await expect(page.locator(`tr[data-chapter="${first.id}"]`)).toHaveAttribute('data-state', 'quiz_passed');

	// Back on the quiz: the attempt, its score and the attempts left today, as the API counts them.
	await page.goto(`/quizzes/${key.id}/`);
	const attempts = page.locator('[data-attempts]');
	await expect(attempts).toHaveAttribute('data-attempts', '1');
	await expect(attempts).toContainText('Best score: 100% (passed)');
	await expect(attempts.getByRole('listitem')).toHaveText([/^\w+day \d{1,2} \w+, \d{2}:\d{2} \(UTC\): 100%$/]);
	await expect(page.getByText('Attempts left today: 2 of 3.')).toBeVisible();
});

test('an anonymous learner keeps their answers through registration and has them graded', async ({ newPage }) => {
	const page = await newPage();
	await page.goto(`/quizzes/${key.id}/`);
	await expect(page.locator('.notice').first()).toContainText('to have your answers graded and saved');
	await answerQuiz(page, key);
	// Sent to sign in, with the quiz to come back to; from there, a new account.
	await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(`/quizzes/${key.id}/`)}$`));
	await page.getByRole('link', { name: 'Create a free account' }).click();
	const stamp = Date.now().toString(36);
	await page.getByLabel('Display name').fill(`Keeper ${stamp}`);
	await page.getByLabel('Email').fill(`keeper-${stamp}@example.test`);
	await page.getByLabel(/^Password/).fill('correct horse battery staple');
	await page.getByRole('button', { name: 'Create account' }).click();

	await expect(page).toHaveURL(new RegExp(`/quizzes/${key.id}/$`));
	await expect(page.locator('[data-answers-restored]')).toHaveText('Your answers are back. Submit them to have them graded.');
	for (const question of key.questions) {
		for (const option of question.options) {
			const input = page.locator(`input[name="${question.id}"][value="${option.id}"]`);
			if (question.correct.includes(option.id)) await expect(input).toBeChecked();
			else await expect(input).not.toBeChecked();
		}
	}
	await page.getByRole('button', { name: 'Submit answers' }).click();
	await expect(page.locator('[data-quiz-result]')).toHaveAttribute('data-passed', 'true');
	await expect(page.locator('[data-answers-restored]')).toHaveCount(0);
	// Graded once: opening the quiz again restores nothing.
	await page.reload();
	await expect(page.locator('[data-answers-restored]')).toHaveCount(0);
});
