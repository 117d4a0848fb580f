/** The account page in Chromium, without JavaScript: a time zone change and when it takes effect. */
import { expect, test } from './fixtures.ts';

test('a time zone change is explained: the new zone counts from the next midnight of the current one', async ({
	registerLearner,
	newPage,
}) => {
	const page = await newPage({ javaScriptEnabled: false });
	await registerLearner({ page, timezone: 'Europe/Paris' });
	// Activity today, so the change has to wait (a new account with none changes at once).
	expect((await page.context().request.post('/api/v1/me/streak/checkins')).status()).toBe(200);

	await page.goto('/account');
	await page.getByLabel(/^Time zone/).selectOption('Asia/Tokyo');
	await page.getByRole('button', { name: 'Save profile' }).click();
	await expect(page.getByRole('status')).toHaveText('Your profile was saved.');
	const pending = page.locator('#timezone-pending');
	await expect(pending).toContainText('Your days follow Asia/Tokyo from');
	await expect(pending).toContainText('00:00 (Europe/Paris)');
	await expect(pending).not.toContainText(/\d{4}-\d{2}-\d{2}T/);
	await expect(page.getByLabel(/^Time zone/)).toHaveValue('Asia/Tokyo');

	// Saving again keeps the same hand-over; choosing Paris again cancels it.
	await page.getByRole('button', { name: 'Save profile' }).click();
	await expect(pending).toContainText('Your days follow Asia/Tokyo');
	await page.getByLabel(/^Time zone/).selectOption('Europe/Paris');
	await page.getByRole('button', { name: 'Save profile' }).click();
	await expect(page.getByRole('status')).toHaveText('Your profile was saved.');
	await expect(pending).toHaveCount(0);
});
