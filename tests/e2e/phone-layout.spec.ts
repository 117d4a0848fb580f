/** Pages at a phone's width (390 px), without JavaScript: nothing scrolls sideways, today's activity is in view. */
import { expect, test } from './fixtures.ts';

test.use({ viewport: { width: 390, height: 844 } });

test('the dashboard heatmap opens on the newest week and the account page fits the screen', async ({ registerLearner, newPage }) => {
	const page = await newPage({ javaScriptEnabled: false });
	await page.setViewportSize({ width: 390, height: 844 });
	await registerLearner({ page });
	expect((await page.context().request.post('/api/v1/me/streak/checkins')).status()).toBe(200);

	await page.goto('/dashboard');
	const scroller = page.locator('.heatmap-scroll');
	const today = page.locator('.hm-today');
	const [box, cell] = await Promise.all([scroller.boundingBox(), today.boundingBox()]);
	expect(box && cell).toBeTruthy();
	if (!box || !cell) return;
	// The heatmap is wider than the phone (it scrolls), and today's cell is inside what shows.
	expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
	expect(cell.x).toBeGreaterThanOrEqual(box.x);
	expect(cell.x + cell.width).toBeLessThanOrEqual(box.x + box.width + 0.5);

	for (const path of ['/dashboard', '/account']) {
		await page.goto(path);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
	}
});
