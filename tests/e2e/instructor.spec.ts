/** /instructor in Chromium without JavaScript: filter, page through learners, item analysis, CSV link; axe in both colour schemes. */
import AxeBuilder from '@axe-core/playwright';
import { expect, readBuildJson, test } from './fixtures.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const quizzes = readBuildJson<{ quizzes: { id: string; title: string }[] }>('private/manifest.json').quizzes;

test('an admin reads the class without JavaScript: learners, funnel, daily activity and item analysis', async ({ loginAs }) => {
	const quiz = quizzes[0];
	if (!quiz) throw new Error('the fixture build has no quiz');
	// A learner who took the quiz, so the item analysis has a row of figures.
	const learnerPage = await loginAs('premium', { javaScriptEnabled: false });
	const key = readBuildJson<{ questions: { id: string; correct: string[] }[] }>(`private/quizzes/${quiz.id}.json`);
	const answers = Object.fromEntries(key.questions.map((q) => [q.id, q.correct]));
	expect((await learnerPage.context().request.post(`/api/v1/me/quizzes/${quiz.id}/attempts`, { data: { answers } })).status()).toBe(201);

	const page = await loginAs('admin', { javaScriptEnabled: false });
	await page.goto('/instructor');
	await expect(page.getByRole('heading', { name: 'Learners', exact: true })).toBeVisible();
	await page.getByLabel('Tier').selectOption('premium');
	await page.getByLabel('Sort by').selectOption('progress');
	await page.getByRole('button', { name: 'Show' }).click();
	await expect(page).toHaveURL(/tier=premium/);
	await expect(page.locator('table[data-learners] tbody tr').first()).toContainText('premium');
	const csv = page.getByRole('link', { name: 'Download these learners as CSV' });
	await expect(csv).toHaveAttribute('href', /tier=premium/);
	await expect(page.locator('svg[role="img"] title')).toHaveText(/Active learners per day/);

	await page.getByLabel('Quiz', { exact: true }).selectOption(quiz.id);
	await page.getByRole('button', { name: 'Analyse' }).click();
	await expect(page.locator('table[data-item-analysis] tbody tr')).toHaveCount(key.questions.length);
	await expect(page.getByRole('link', { name: 'Download the item analysis as CSV' })).toBeVisible();

	// axe runs as a script in the page: the same URL in a context with JavaScript on.
	const checked = await loginAs('admin');
	await checked.goto(page.url());
	for (const scheme of ['light', 'dark'] as const) {
		await checked.emulateMedia({ colorScheme: scheme });
		const { violations } = await new AxeBuilder({ page: checked }).withTags(TAGS).analyze();
		expect(
			violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
			scheme,
		).toEqual([]);
	}

	const student = await loginAs('free', { javaScriptEnabled: false });
	const refused = await student.goto('/instructor');
	expect(refused?.status()).toBe(403);
});
