/**
 * Accessibility sweep with axe (WCAG 2.0/2.1 A and AA, 2.2 AA): every URL in the sitemap, plus the
 * pages only a signed-in learner or an admin sees, the forms, and the search page with results.
 * Each page is checked in the light and the dark colour scheme (contrast differs). Zero violations.
 */
import type { Page } from '@playwright/test';
import { expect, expectNoViolations, type Fixtures, readBuildFile, readBuildJson, test } from './fixtures.ts';

const SCHEMES = ['light', 'dark'] as const;

/** Every page path listed by the sitemap index's sitemaps (the origin is the build's, not the test server's). */
function sitemapPaths(): string[] {
	const index = readBuildFile('client/sitemap-index.xml');
	const sitemaps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname.replace(/^\//, ''));
	const paths = sitemaps.flatMap((file) =>
		[...readBuildFile(`client/${file}`).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname),
	);
	if (paths.length === 0) throw new Error('the sitemap lists no pages');
	return paths;
}

interface Manifest {
	chapters: { id: string; order: number; tier: string }[];
}
const chapters = [...readBuildJson<Manifest>('private/manifest.json').chapters].sort((a, b) => a.order - b.order);
const freeChapter = chapters[0]!;
const premiumChapter = chapters.find((c) => c.tier !== 'free')!;

type Helpers = Pick<Fixtures, 'loginAs'>;

/** Signs in as the premium demo learner (no daily attempt limit) and picks the first option of every question. */
async function answerFirstOptions(page: Page, loginAs: Fixtures['loginAs']): Promise<void> {
	await loginAs('premium', { page });
	await page.goto(`/quizzes/${freeChapter.id}/`);
	// A valid submission with some answers wrong, so corrections and feedback show too.
	for (const fieldset of await page.locator('form.quiz fieldset').all()) await fieldset.locator('input').first().check();
}

/** Pages a signed-in learner, an admin or a visitor filling in a form sees; each leaves `page` ready for axe. */
const APP_PAGES: { name: string; visit: (page: Page, helpers: Helpers) => Promise<void> }[] = [
	{
		name: 'dashboard (signed in)',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto('/dashboard');
			await expect(page.locator('svg[data-heatmap]')).toBeVisible();
		},
	},
	{
		name: 'chapter with progress (signed in)',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto(`/chapters/${freeChapter.id}/`);
			await expect(page.locator('[data-chapter-status]')).toBeVisible();
		},
	},
	{
		name: 'quiz (signed in)',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto(`/quizzes/${freeChapter.id}/`);
			await expect(page.getByRole('button', { name: 'Submit answers' })).toBeVisible();
		},
	},
	{
		name: 'quiz result in place (JavaScript)',
		visit: async (page, { loginAs }) => {
			await answerFirstOptions(page, loginAs);
			await page.getByRole('button', { name: 'Submit answers' }).click();
			await expect(page.locator('[data-quiz-result]')).toBeVisible();
		},
	},
	{
		name: 'quiz result page (plain form post)',
		visit: async (page, { loginAs }) => {
			await answerFirstOptions(page, loginAs);
			// HTMLFormElement.submit() skips the script's submit handler: the browser posts the form as without JavaScript.
			await page.locator('form.quiz').evaluate((form: HTMLFormElement) => form.submit());
			await expect(page).toHaveURL(new RegExp(`/quizzes/${freeChapter.id}/result$`));
			await expect(page.locator('[data-quiz-result]')).toBeVisible();
		},
	},
	{
		name: 'paywall (signed in, free plan)',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto(`/chapters/${premiumChapter.id}/`);
			await expect(page.locator('[data-paywall]')).toBeVisible();
		},
	},
	{
		name: 'premium chapter (signed in, premium plan)',
		visit: async (page, { loginAs }) => {
			await loginAs('premium', { page });
			await page.goto(`/chapters/${premiumChapter.id}/`);
			await expect(page.locator('article .prose')).toBeVisible();
		},
	},
	{
		name: 'account',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto('/account');
			await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
		},
	},
	{
		name: 'checkout (signed in, free plan)',
		visit: async (page, { loginAs }) => {
			await loginAs('free', { page });
			await page.goto('/checkout/premium');
			await expect(page.getByRole('link', { name: 'Continue to payment' })).toBeVisible();
		},
	},
	{
		name: 'admin with a learner selected',
		visit: async (page, { loginAs }) => {
			await loginAs('admin', { page });
			await page.goto('/admin?q=demo.test');
			await page.locator('[data-admin-results] a').first().click();
			await expect(page.locator('[data-admin-learner]')).toBeVisible();
		},
	},
	{
		name: 'login',
		visit: async (page) => {
			await page.goto('/login');
		},
	},
	{
		name: 'login with an error',
		visit: async (page) => {
			await page.goto('/login');
			await page.getByLabel('Email').fill('nobody@example.test');
			await page.getByLabel('Password').fill('not the password');
			await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
			await expect(page.getByRole('alert')).toBeVisible();
		},
	},
	{
		name: 'register',
		visit: async (page) => {
			await page.goto('/register');
		},
	},
	{
		name: 'forgot password, link sent',
		visit: async (page) => {
			await page.goto('/login');
			await page.getByRole('link', { name: 'Forgot your password?' }).click();
			await page.getByLabel('Email').fill('nobody@example.test');
			await page.getByRole('button', { name: 'Send me a reset link' }).click();
			await expect(page.getByRole('status')).toContainText('If an account uses this email');
		},
	},
	{
		name: 'reset password with a link that does not work',
		visit: async (page) => {
			await page.goto(`/reset-password?token=${'a'.repeat(32)}`);
			await expect(page.getByRole('alert')).toContainText('This password reset link is not valid.');
		},
	},
	{
		name: 'search with results',
		visit: async (page) => {
			await page.goto('/search?q=agent');
			await expect(page.locator('.pagefind-ui__result').first()).toBeVisible();
		},
	},
	{
		name: 'page not found',
		visit: async (page) => {
			await page.goto('/no-such-page');
			await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
		},
	},
];

for (const colorScheme of SCHEMES) {
	test.describe(`${colorScheme} colour scheme`, () => {
		test.use({ colorScheme });

		for (const path of sitemapPaths()) {
			test(`sitemap ${path}`, async ({ page }) => {
				const response = await page.goto(path);
				expect(response?.status()).toBe(200);
				await expectNoViolations(page, `${path} (${colorScheme})`);
			});
		}

		for (const { name, visit } of APP_PAGES) {
			test(name, async ({ page, loginAs }) => {
				await visit(page, { loginAs });
				await expectNoViolations(page, `${name} (${colorScheme})`);
			});
		}
	});
}
