/**
 * A team in Chromium with JavaScript off: an owner on the team tier creates a team on /team and makes an
 * invitation link; a newcomer opens it, creates an account from the join page and joins; the owner sees
 * the member with their progress and removes them. axe finds nothing at each step, in light and dark, at
 * 1280 and 390 px. (The e2e server has no SMTP_URL; tests/integration/api/teams.test.ts follows an emailed
 * invitation through a real SMTP server.)
 */
import type { Page } from '@playwright/test';
import { expect, expectNoViolations, SCREEN_WIDTHS, test } from './fixtures.ts';

test('an owner creates a team, invites by link, sees the member who joined and removes them, without JavaScript', async ({
	loginAs,
	newPage,
	registerLearner,
}) => {
	// Six pages, each checked by axe four times (light and dark, 1280 and 390 px): more than the default minute.
	test.setTimeout(300_000);
	// axe runs as a script in the page, so it checks the no-JavaScript page's HTML in a page that runs scripts.
	const checker = await newPage();
	await checker.goto('/');
	const axe = async (from: Page, label: string) => {
		const html = await from.content();
		for (const width of SCREEN_WIDTHS) {
			await checker.setViewportSize({ width, height: width > 600 ? 800 : 844 });
			for (const scheme of ['light', 'dark'] as const) {
				await checker.emulateMedia({ colorScheme: scheme });
				await checker.setContent(html);
				await expectNoViolations(checker, `${label}, ${scheme}, ${width} px`);
			}
		}
	};
	const stamp = Date.now().toString(36);
	const teamName = `Night owls ${stamp}`;

	// The owner: a new account that an administrator puts on the team tier (as billing would).
	const owner = await newPage({ javaScriptEnabled: false });
	const ownerAccount = await registerLearner({ page: owner, displayName: `Olga ${stamp}` });
	const ownerId = ((await (await owner.context().request.get('/api/v1/me')).json()) as { id: string }).id;
	const admin = await loginAs('admin');
	const raised = await admin.context().request.post(`/api/v1/admin/users/${ownerId}/tier`, { data: { tier: 'team', reason: 'e2e' } });
	expect(raised.status()).toBe(200);

	await owner.goto('/team');
	await expect(owner.getByRole('button', { name: 'Create the team' })).toBeVisible();
	await axe(owner, 'team, before a team exists');
	await owner.getByLabel('Team name').fill(teamName);
	await owner.getByRole('button', { name: 'Create the team' }).click();
	await expect(owner.getByRole('status')).toHaveText(`Your team ${teamName} is ready: 9 seats left for the members you invite.`);
	await expect(owner.getByRole('heading', { level: 1 })).toHaveText(teamName);
	await expect(owner.locator('[data-seats]')).toContainText('1 of 10 seats used, yours included; 9 free.');

	await owner.getByRole('button', { name: 'Make an invitation link' }).click();
	const link = await owner.getByLabel('Invitation link (works once, for seven days)').inputValue();
	expect(new URL(link).pathname).toBe('/join');
	await axe(owner, 'team, invitation link made');

	// The newcomer: opens the link signed out, creates an account from the join page, comes back and joins.
	const member = await newPage({ javaScriptEnabled: false });
	await member.goto(link);
	await expect(member.getByRole('heading', { level: 1 })).toHaveText(`Join ${teamName}`);
	await expect(member.getByText(`Olga ${stamp} invites you to the team ${teamName}.`)).toBeVisible();
	await axe(member, 'join, signed out');
	await member.getByRole('link', { name: 'create a free account' }).click();
	const memberName = `Milo ${stamp}`;
	await member.getByLabel('Display name').fill(memberName);
	await member.getByLabel('Email').fill(`milo-${stamp}@example.test`);
	await member.getByLabel(/^Password/).fill('correct horse battery staple');
	await member.getByRole('button', { name: 'Create account' }).click();
	await expect(member).toHaveURL(/\/join\?token=/);
	await axe(member, 'join, signed in');
	await member.getByRole('button', { name: `Join ${teamName}` }).click();
	await expect(member.getByRole('status')).toHaveText(`Welcome to ${teamName}: you have its plan while you are a member.`);
	await member.goto('/account');
	await expect(member.locator('[data-team-role="member"]')).toContainText(teamName);

	// The owner sees the member (and only their team) and removes them.
	await owner.goto('/team');
	await expect(owner.locator('[data-seats]')).toContainText('2 of 10 seats used');
	const rows = owner.locator('table[data-members] tbody tr');
	await expect(rows).toHaveCount(2);
	await expect(rows.filter({ hasText: memberName })).toContainText('0 %');
	await expect(rows.filter({ hasText: ownerAccount.displayName })).toContainText('(you)');
	await axe(owner, 'team, with a member');
	await owner.getByRole('button', { name: `Remove ${memberName}` }).click();
	await expect(owner.getByRole('status')).toHaveText(
		`${memberName} is no longer in ${teamName}: their team access has ended and their seat is free.`,
	);
	await expect(rows).toHaveCount(1);
	await axe(owner, 'team, member removed');

	await member.goto('/team');
	await expect(member.getByText('You are not in a team.')).toBeVisible();
});
