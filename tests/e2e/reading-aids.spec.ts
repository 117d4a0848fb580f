/**
 * Reading aids and the learner's search page in Chromium: the sidebar marks a chapter read, home says
 * where to continue, "On this page" folds into a <details> on a phone, "/" focuses the header's search,
 * and a signed-in learner searches without JavaScript (server-rendered, premium text by tier). Each new
 * page passes axe in both colour schemes at desktop and phone widths.
 */
import type { Page } from '@playwright/test';
import { expect, expectNoViolations, type Fixtures, readBuildJson, SCREEN_WIDTHS, test } from './fixtures.ts';

interface Manifest {
	chapters: { id: string; position: number; title: string; tier: string; headings: { depth: number; anchor: string; text: string }[] }[];
}
interface PrivateChapter {
	sections: { heading: string; anchor: string; markdown: string }[];
}
const chapters = [...readBuildJson<Manifest>('private/manifest.json').chapters].sort((a, b) => a.position - b.position);
const first = chapters[0]!;
const premium = chapters.find((c) => c.tier !== 'free')!;
/** A premium section's heading: searching it finds that section. */
const premiumQuery = readBuildJson<PrivateChapter>(`private/chapters/${premium.id}.json`).sections.find(
	(s) => s.anchor && s.heading.split(/\s+/).length >= 2,
)!.heading;

const sidebarLink = (page: Page, id: string) =>
	page.getByRole('navigation', { name: 'Course chapters' }).locator(`a[href="/chapters/${id}/"]`);

test('a learner marks a chapter complete: the sidebar shows ✓ and home offers to continue', async ({ page, registerLearner }) => {
	await registerLearner();
	await page.goto(`/chapters/${first.id}/`);
	await expect(sidebarLink(page, first.id)).not.toHaveAttribute('data-state');
	await page.getByRole('button', { name: 'Mark chapter complete' }).click();
	await expect(page.locator('[data-chapter-status]')).toHaveAttribute('data-chapter-status', 'read');

	const link = sidebarLink(page, first.id);
	await expect(link).toHaveAttribute('data-state', 'read');
	await expect(link).toHaveAccessibleName(/\(read\)$/);
	// The mark is drawn by CSS, once, not markup per entry.
	expect(await link.evaluate((a) => getComputedStyle(a, '::after').content)).toContain('✓');
	expect(await link.locator('svg').count()).toBe(first.tier === 'free' ? 0 : 1);

	const progress = await (await page.request.get('/api/v1/me/progress')).json();
	const next = chapters.find((c) => c.id === progress.nextStep.chapterId)!;
	const quiz = progress.nextStep.kind === 'take_quiz' || progress.nextStep.kind === 'retake_quiz';
	await page.goto('/');
	const resume = page.getByRole('link', { name: `Continue: chapter ${next.position}${quiz ? ' quiz' : ''}` });
	await expect(resume).toBeVisible();
	await resume.click();
	await expect(page).toHaveURL(new RegExp(`/${quiz ? 'quizzes' : 'chapters'}/${next.id}/$`));
});

test('"On this page" is a closed <details> above the chapter at 390 px that opens without JavaScript; at 1280 px it is the open side column', async ({
	newPage,
}) => {
	const page = await newPage({ javaScriptEnabled: false });
	const sections = first.headings.filter((h) => h.depth >= 2 && h.depth <= 4);
	expect(sections.length).toBeGreaterThan(1);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`/chapters/${first.id}/`);
	const details = page.locator('details.toc-details');
	const summary = details.locator('summary');
	await expect(summary).toBeVisible();
	// Above the chapter's title on a phone, closed.
	const [tocBox, titleBox] = await Promise.all([details.boundingBox(), page.getByRole('heading', { level: 1 }).boundingBox()]);
	expect(tocBox!.y).toBeLessThan(titleBox!.y);
	await expect(details).not.toHaveAttribute('open');
	const target = sections[sections.length - 1]!;
	const entry = details.getByRole('link', { name: target.text, exact: true });
	await expect(entry).toBeHidden();
	await summary.click();
	await expect(entry).toBeVisible();
	await entry.click();
	await expect(page).toHaveURL(new RegExp(`#${target.anchor}$`));
	await expect(page.locator(`[id="${target.anchor}"]`)).toBeInViewport();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, 'the chapter scrolls sideways').toBeLessThanOrEqual(0);

	// A wide screen shows the sections in the side column without opening anything.
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(`/chapters/${first.id}/`);
	await expect(details).not.toHaveAttribute('open');
	await expect(details.getByRole('link', { name: target.text, exact: true })).toBeVisible();
	const [side, article] = await Promise.all([details.boundingBox(), page.locator('article').boundingBox()]);
	expect(side!.x).toBeGreaterThan(article!.x + article!.width - 1);
});

test('"/" focuses the header’s search box, except while typing in a field', async ({ page }) => {
	await page.goto(`/chapters/${first.id}/`);
	const box = page.getByRole('searchbox', { name: 'Search the course' });
	await expect(box).not.toBeFocused();
	await page.keyboard.press('/');
	await expect(box).toBeFocused();
	await expect(box).toHaveValue('');
	await page.keyboard.type('tools');
	await expect(box).toHaveValue('tools');
	await page.keyboard.press('/');
	await expect(box).toHaveValue('tools/');

	await page.goto('/search/');
	const field = page.getByLabel('Words to search for');
	await field.focus();
	await page.keyboard.type('a/b');
	await expect(field).toHaveValue('a/b');
	await expect(box).not.toBeFocused();
});

test('a premium learner searches from the header without JavaScript and the result opens the section', async ({ loginAs }) => {
	const page = await loginAs('premium', { javaScriptEnabled: false });
	await page.goto('/');
	const header = page.getByRole('banner').getByRole('search');
	await header.getByRole('searchbox', { name: 'Search the course' }).fill(premiumQuery);
	await header.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/\/search\?q=/);
	const hit = page.locator(`[data-search-hit="${premium.id}"][data-locked="false"]`).first();
	await expect(hit).toBeVisible();
	await expect(page.getByRole('status')).toContainText(premiumQuery);
	const link = hit.getByRole('heading').getByRole('link');
	const href = (await link.getAttribute('href'))!;
	expect(href).toMatch(new RegExp(`^/chapters/${premium.id}/?#.+`));
	await link.click();
	const anchor = href.split('#')[1]!;
	await expect(page.locator(`[id="${anchor}"]`)).toBeInViewport();
	await expect(page.locator('article .prose')).toBeVisible();
});

test('a free learner’s search shows premium sections locked, with the way to upgrade', async ({ loginAs }) => {
	const page = await loginAs('free', { javaScriptEnabled: false });
	await page.goto(`/search?q=${encodeURIComponent(premiumQuery)}`);
	const hit = page.locator(`[data-search-hit="${premium.id}"]`).first();
	await expect(hit).toHaveAttribute('data-locked', 'true');
	await expect(hit.locator('[data-search-locked]')).toContainText('Upgrade to');
	await hit.getByRole('heading').getByRole('link').click();
	await expect(page.locator('[data-paywall]')).toBeVisible();
});

type Visit = (page: Page, loginAs: Fixtures['loginAs'], registerLearner: Fixtures['registerLearner']) => Promise<void>;
const PAGES: { name: string; visit: Visit }[] = [
	{
		name: 'home with Continue (signed in)',
		visit: async (page, _loginAs, registerLearner) => {
			await registerLearner({ page });
			expect((await page.request.post('/api/v1/me/progress', { data: { chapterId: first.id } })).status()).toBe(200);
			await page.goto('/');
			await expect(page.locator('[data-continue]')).toBeVisible();
		},
	},
	{
		name: 'chapter with sidebar states and "On this page" open',
		visit: async (page, _loginAs, registerLearner) => {
			await registerLearner({ page });
			expect((await page.request.post('/api/v1/me/progress', { data: { chapterId: first.id } })).status()).toBe(200);
			await page.goto(`/chapters/${first.id}/`);
			await expect(sidebarLink(page, first.id)).toHaveAttribute('data-state', 'read');
			// On a phone the reader opens it; on a wide screen it is open already (the summary is only its title).
			if ((page.viewportSize()?.width ?? 0) < 600) await page.locator('details.toc-details summary').click();
			await expect(page.locator('details.toc-details nav a').first()).toBeVisible();
		},
	},
	{
		name: 'search results (premium learner)',
		visit: async (page, loginAs) => {
			await loginAs('premium', { page });
			await page.goto(`/search?q=${encodeURIComponent(premiumQuery)}`);
			await expect(page.locator('[data-search-hit]').first()).toBeVisible();
		},
	},
	{
		name: 'search results with locked hits (free learner)',
		visit: async (page, loginAs) => {
			await loginAs('free', { page });
			await page.goto(`/search?q=${encodeURIComponent(premiumQuery)}`);
			await expect(page.locator('[data-search-locked]').first()).toBeVisible();
		},
	},
	{
		name: 'search with nothing found (signed in)',
		visit: async (page, loginAs) => {
			await loginAs('free', { page });
			await page.goto('/search?q=zqxvy');
			await expect(page.locator('[data-search-none]')).toBeVisible();
		},
	},
];

for (const colorScheme of ['light', 'dark'] as const) {
	for (const width of SCREEN_WIDTHS) {
		test.describe(`axe, ${colorScheme}, ${width} px`, () => {
			test.use({ colorScheme, viewport: { width, height: width > 600 ? 800 : 844 } });
			for (const { name, visit } of PAGES) {
				test(name, async ({ page, loginAs, registerLearner }) => {
					await visit(page, loginAs, registerLearner);
					await expectNoViolations(page, `${name} (${colorScheme}, ${width} px)`);
				});
			}
		});
	}
}
