/**
 * The static course site as a visitor meets it (issue "static course site" §6): reading in order,
 * searching, the lock on premium chapters, and reading with JavaScript switched off.
 */
import { distinctiveSentence, expect, readBuildFile, readBuildJson, test } from './fixtures.ts';

interface Manifest {
	chapters: { id: string; order: number; title: string; tier: string }[];
}
const manifest = readBuildJson<Manifest>('private/manifest.json');
const byOrder = [...manifest.chapters].sort((a, b) => a.order - b.order);
const first = byOrder[0]!;
const second = byOrder[1]!;
const premium = byOrder.find((c) => c.tier !== 'free')!;
const chapterHtml = (id: string) => readBuildJson<{ html: string }>(`private/chapters/${id}.json`).html;

/** The search phrase: a reader remembers chapter 2's order-status example. It must be in that chapter. */
const SEARCH_PHRASE = 'get_order_status';

test('a visitor goes from the home page to chapter 1, then to chapter 2 with the pager', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await page.getByRole('link', { name: 'Start reading' }).click();
	await expect(page).toHaveURL(new RegExp(`/chapters/${first.id}/$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
	await expect(page.locator('article .prose')).toContainText(distinctiveSentence(chapterHtml(first.id)));

	const pager = page.getByRole('navigation', { name: 'Previous and next chapter' });
	await pager.getByRole('link', { name: new RegExp(second.title) }).click();
	await expect(page).toHaveURL(new RegExp(`/chapters/${second.id}/$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(second.title);
	await expect(pager.locator('a[rel="prev"]')).toHaveAttribute('href', `/chapters/${first.id}/`);
});

test('a search from the header finds chapter 2 and the result opens it', async ({ page }) => {
	expect(chapterHtml(second.id), 'the search phrase must come from chapter 2').toContain(SEARCH_PHRASE);
	await page.goto(`/chapters/${first.id}/`);
	const search = page.getByRole('search');
	await search.getByRole('searchbox', { name: 'Search the course' }).fill(SEARCH_PHRASE);
	await search.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/\/search\/?\?q=get_order_status$/);

	const results = page.locator('.pagefind-ui__result');
	await expect(results.first()).toBeVisible();
	// The result's own title link comes first; links to its sections (sub-results) follow.
	const firstLink = results.first().locator('a.pagefind-ui__result-link').first();
	await expect(firstLink).toHaveAttribute('href', new RegExp(`/chapters/${second.id}/`));
	await firstLink.click();
	await expect(page).toHaveURL(new RegExp(`/chapters/${second.id}/`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(second.title);
});

test('the search page fetches Pagefind only when there is something to search for', async ({ page }) => {
	const pagefind: string[] = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname.startsWith('/pagefind/')) pagefind.push(r.url());
	});
	await page.goto(`/chapters/${first.id}/`);
	await page.goto('/search/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Search the course');
	expect(pagefind, 'Pagefind requested before any search').toEqual([]);

	await page.getByLabel('Words to search for').fill(SEARCH_PHRASE);
	await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
	await expect(page.locator('.pagefind-ui__result').first()).toBeVisible();
	expect(pagefind.some((u) => u.endsWith('/pagefind/pagefind-ui.js'))).toBe(true);
});

test('a premium chapter shows the lock, never its body', async ({ page }) => {
	const secret = distinctiveSentence(chapterHtml(premium.id));
	const response = await page.goto(`/chapters/${premium.id}/`);
	expect(response?.status()).toBe(200);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(premium.title);
	await expect(page.locator('[data-paywall]')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Sign in' }).last()).toBeVisible();
	expect(await response!.text()).not.toContain(secret);
	expect(await page.content()).not.toContain(secret);
	// The file a CDN would serve for the same address is locked too.
	expect(readBuildFile(`client/chapters/${premium.id}/index.html`)).not.toContain(secret);
});

test('a chapter reads, and the pager works, with JavaScript disabled', async ({ newPage }) => {
	const page = await newPage({ javaScriptEnabled: false });
	await page.goto(`/chapters/${first.id}/`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(first.title);
	await expect(page.locator('article .prose')).toContainText(distinctiveSentence(chapterHtml(first.id)));
	await expect(page.getByRole('navigation', { name: 'On this page' })).toBeVisible();
	await page.locator('a[rel="next"]').click();
	await expect(page).toHaveURL(new RegExp(`/chapters/${second.id}/$`));
	await expect(page.locator('article .prose')).toContainText(distinctiveSentence(chapterHtml(second.id)));
});
