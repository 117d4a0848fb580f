/**
 * The admin page in Chromium with JavaScript off: every form is a plain HTML form. An administrator adds
 * a learner by invitation, finds them, sends a reset link, makes a no-op and a real tier change, and reads
 * the audit log by name; axe finds nothing in the page's HTML at each step. (The e2e server has no SMTP_URL,
 * so the links go to its log; tests/integration/api/admin-ui.test.ts follows them through a real SMTP server.)
 */
import type { Page } from '@playwright/test';
import { DEMO, expect, expectNoViolations, test } from './fixtures.ts';

test('an administrator manages a learner on /admin without JavaScript', async ({ loginAs, newPage }) => {
	const page = await loginAs('admin', { javaScriptEnabled: false });
	// axe runs as a script in the page, so it checks the no-JavaScript page's HTML in a page that runs scripts.
	const checker = await newPage();
	await checker.goto('/admin');
	const axe = async (from: Page, label: string) => {
		await checker.setContent(await from.content());
		await expectNoViolations(checker, label);
	};
	const stamp = Date.now().toString(36);
	const email = `invited-${stamp}@example.test`;
	const name = `Noor ${stamp}`;

	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Learners' })).toBeVisible();
	await axe(page, 'admin, learner list');

	await page.getByLabel('Email', { exact: true }).fill(email);
	await page.getByLabel('Name', { exact: true }).fill(name);
	await page.getByLabel('Tier', { exact: true }).selectOption('premium');
	await page.getByRole('button', { name: 'Add the learner' }).click();
	await expect(page.getByRole('status')).toContainText(`The account for ${email} was created.`);
	// Adding selects the new learner.
	const learner = page.locator('[data-admin-learner]');
	await expect(learner).toContainText(email);
	await expect(learner).toContainText('tier premium');
	await axe(page, 'admin, learner added');

	await page.getByRole('button', { name: 'Email a password reset link' }).click();
	await expect(page.getByRole('status')).toContainText(`the reset link for ${email} is in the server log`);

	await page.getByLabel('New tier').selectOption('premium');
	await page.getByRole('button', { name: 'Change tier' }).click();
	await expect(page.getByRole('status')).toHaveText('Nothing changed: the learner already has the premium tier.');
	await page.getByLabel('New tier').selectOption('pro');
	await page.getByLabel(/^Reason/).fill('e2e');
	await page.getByRole('button', { name: 'Change tier' }).click();
	await expect(page.getByRole('status')).toHaveText('Tier changed from premium to pro.');

	const audit = page.locator('[data-admin-audit] tbody tr');
	await expect(audit.nth(0)).toContainText('Tier changed');
	await expect(audit.nth(0)).toContainText(name);
	await expect(audit.nth(0)).toContainText(DEMO.admin);
	await expect(audit.nth(0)).toContainText('premium → pro: e2e');
	await expect(audit.nth(1)).toContainText('Reset link sent');
	await expect(audit.nth(2)).toContainText('Tier changed');
	await expect(audit.nth(3)).toContainText('Account created');
	await axe(page, 'admin, after a tier change');

	await page.getByLabel('Find a learner by email or name').fill(email);
	await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
	await expect(page.locator('[data-admin-count]')).toHaveText(`1 account matches “${email}”; page 1 of 1.`);
});
