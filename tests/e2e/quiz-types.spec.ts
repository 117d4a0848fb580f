/**
 * Written answers, partial credit and a question pool in Chromium, with and without JavaScript, on the
 * sourdough fixture course (its own server in this spec: the config's server runs the demo course, which has
 * none of these). axe finds no violation on the quiz or the result.
 */
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { buildFixtureCourse, FIXTURE_COURSES_DIR, ROOT } from '../helpers/fixture-build.ts';
import { ensurePgliteTemplate } from '../helpers/pglite-template.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';
import { expect, expectNoViolations, test } from './fixtures.ts';

const OUT = path.join(ROOT, '.test-build/sourdough');
let server: RunningServer;

test.beforeAll(async () => {
	test.setTimeout(600_000);
	buildFixtureCourse(path.join(FIXTURE_COURSES_DIR, 'sourdough'), OUT);
	ensurePgliteTemplate();
	server = await startServer({ env: { DIST_DIR: OUT, PRIVATE_CONTENT_DIR: path.join(OUT, 'private') } });
});
test.afterAll(async () => {
	await server?.stop();
});

/** A new learner signed in through the API, in a context with or without JavaScript. */
async function learnerPage(browser: Browser, javaScriptEnabled: boolean): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled, locale: 'en-GB' });
	const page = await context.newPage();
	const email = `types-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@example.test`;
	const res = await context.request.post('/api/v1/auth/register', {
		data: { email, password: 'correct horse battery staple', displayName: 'Baker' },
	});
	expect(res.status(), await res.text()).toBe(201);
	return page;
}

/**
 * axe runs as a script in the page: a page without JavaScript is checked as its HTML in a page that runs
 * scripts (as tests/e2e/admin.spec.ts does).
 */
async function axe(browser: Browser, page: Page, label: string, scripts: boolean): Promise<void> {
	if (scripts) return expectNoViolations(page, label);
	const checker = await (await browser.newContext({ baseURL: server.url })).newPage();
	await checker.goto('/');
	await checker.setContent(await page.content());
	await expectNoViolations(checker, label);
	await checker.context().close();
}

/** Answers the flour-and-water quiz: right except one of the two right options of the "select all" question. */
async function answerFlourQuiz(page: Page): Promise<void> {
	await page
		.getByRole('group', { name: /Question \d+/ })
		.first()
		.waitFor();
	await page.locator('input[name="salt-for-500g"][value="ten-grams"]').check();
	await page.locator('input[name="true-hydration"][value="seventy-two-seven"]').check();
	await page.locator('input[name="autolyse-contents"][value="true"]').check();
	await page.locator('input[name="more-water"][value="bread-flour"]').check();
	await page.locator('input[name="water-temperature"][value="thirty-seven"]').check();
	await page.getByRole('textbox', { name: 'Your number' }).fill('75,2');
	await page.getByRole('textbox', { name: 'Your answer' }).fill('  Autolyse ');
}

for (const javaScriptEnabled of [true, false]) {
	const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

	test(`short, numeric and partial credit are graded ${how}`, async ({ browser }) => {
		test.setTimeout(180_000);
		const page = await learnerPage(browser, javaScriptEnabled);
		await page.goto('/quizzes/flour-and-water/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Flour, water and salt check');
		await expect(page.locator('fieldset[data-question-type="numeric"] input')).toHaveAttribute('inputmode', 'decimal');
		await axe(browser, page, `flour-and-water quiz ${how}`, javaScriptEnabled);
		await answerFlourQuiz(page);
		await page.getByRole('button', { name: 'Submit answers' }).click();
		const result = page.locator('[data-quiz-result]');
		await expect(result).toBeVisible();
		await expect(result.getByRole('heading', { level: 2 })).toContainText('6.5 of 7 (93%)');
		await expect(result.locator('li[data-question="more-water"]')).toContainText('◐ Partly correct (0.5 of 1)');
		await expect(result.locator('li[data-question="rest-name"]')).toContainText('✓ Correct');
		await expect(result.locator('li[data-question="rest-name"]')).toContainText('Your answer: Autolyse');
		await expect(result.locator('li[data-question="hydration-number"]')).toContainText('Your answer: 75,2');
		await axe(browser, page, `flour-and-water result ${how}`, javaScriptEnabled);
	});

	test(`a pooled quiz shows its drawn questions and grades them ${how}`, async ({ browser }) => {
		test.setTimeout(180_000);
		const page = await learnerPage(browser, javaScriptEnabled);
		await page.goto('/quizzes/starter/');
		await expect(page.getByText('4 questions per attempt, drawn from 6')).toBeVisible();
		const groups = page.getByRole('group', { name: /Question \d+/ });
		await expect(groups).toHaveCount(4);
		const ids = await page.locator('[id^="prompt-"]').evaluateAll((nodes) => nodes.map((n) => n.id.slice('prompt-'.length)));
		await page.reload();
		expect(await page.locator('[id^="prompt-"]').evaluateAll((nodes) => nodes.map((n) => n.id.slice('prompt-'.length)))).toEqual(ids);
		const right: Record<string, string> = {
			'ready-to-bake': 'doubles-on-time',
			'quiet-phase': 'false',
			'whole-grain-start': 'true',
			'overnight-ratio': 'one-five-five',
		};
		for (const id of ids) {
			if (id === 'feeding-flour') await page.getByRole('textbox', { name: 'Your number' }).fill('50');
			else if (id === 'discard-signs') {
				await page.locator('input[name="discard-signs"][value="pink-streaks"]').check();
				await page.locator('input[name="discard-signs"][value="fuzzy-mould"]').check();
			} else await page.locator(`input[name="${id}"][value="${right[id]}"]`).check();
		}
		await axe(browser, page, `starter quiz ${how}`, javaScriptEnabled);
		await page.getByRole('button', { name: 'Submit answers' }).click();
		await expect(page.locator('[data-quiz-result]').getByRole('heading', { level: 2 })).toContainText('4 of 4 (100%)');
	});
}

test('written answers on a phone in dark mode: the fields fit, nothing scrolls sideways, axe finds nothing', async ({ browser }) => {
	test.setTimeout(180_000);
	const context = await browser.newContext({
		baseURL: server.url,
		viewport: { width: 390, height: 844 },
		colorScheme: 'dark',
		locale: 'en-GB',
	});
	const page = await context.newPage();
	const email = `phone-${Date.now().toString(36)}@example.test`;
	const res = await context.request.post('/api/v1/auth/register', {
		data: { email, password: 'correct horse battery staple', displayName: 'Baker' },
	});
	expect(res.status(), await res.text()).toBe(201);
	await page.goto('/quizzes/flour-and-water/');
	const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(await overflow()).toBeLessThanOrEqual(0);
	await expectNoViolations(page, 'flour-and-water quiz, 390 px, dark');
	await answerFlourQuiz(page);
	await page.getByRole('button', { name: 'Submit answers' }).click();
	await expect(page.locator('[data-quiz-result]').getByRole('heading', { level: 2 })).toContainText('6.5 of 7 (93%)');
	expect(await overflow()).toBeLessThanOrEqual(0);
	await expectNoViolations(page, 'flour-and-water result, 390 px, dark');
	await context.close();
});
