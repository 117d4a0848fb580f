/**
 * A learner who passed every quiz sees milestones, mastery and the certificate link on the dashboard, and the
 * certificate's public page verifies it signed out; printable without the site's menus; axe finds nothing on
 * either page in light and dark at 1280 and 390 px (decision 0024).
 */
import { expect, expectNoViolations, readBuildJson, SCREEN_WIDTHS, test } from './fixtures.ts';

const quizzes = readBuildJson<{ quizzes: { id: string }[]; course: { title: string } }>('private/manifest.json');

test('passing every quiz earns a certificate whose public page verifies it, signed out', async ({
	page,
	registerLearner,
	loginAs,
	newPage,
}) => {
	// Ten quizzes, then axe eight times: longer than the default minute on two shared cores.
	test.setTimeout(180_000);
	const learner = await registerLearner({ displayName: 'Katherine Johnson' });
	const me = await (await page.context().request.get('/api/v1/me')).json();
	const admin = await loginAs('admin');
	const upgrade = await admin.context().request.post(`/api/v1/admin/users/${me.id}/tier`, { data: { tier: 'premium', reason: 'e2e' } });
	expect(upgrade.status(), await upgrade.text()).toBe(200);
	// Sign in again so the session carries the new tier.
	await loginAs(learner, { page });

	await page.goto('/dashboard');
	await expect(page.locator('[data-milestone="first_pass"]')).toHaveAttribute('data-reached', 'false');
	await expect(page.locator('[data-certificate-link]')).toHaveCount(0);

	for (const { id } of quizzes.quizzes) {
		const key = readBuildJson<{ questions: { id: string; correct: string[] }[] }>(`private/quizzes/${id}.json`);
		const answers = Object.fromEntries(key.questions.map((q) => [q.id, q.correct]));
		const res = await page.context().request.post(`/api/v1/me/quizzes/${id}/attempts`, { data: { answers } });
		expect(res.status(), `${id}: ${await res.text()}`).toBe(201);
	}

	await page.goto('/dashboard');
	await expect(page.getByRole('heading', { name: 'Milestones' })).toBeVisible();
	await expect(page.locator('[data-milestone="first_pass"]')).toHaveAttribute('data-reached', 'true');
	await expect(page.locator('[data-milestone="course_complete"]')).toContainText('Course complete');
	await expect(page.locator('[data-milestone="streak_7"]')).toHaveAttribute('data-reached', 'false');
	await expect(page.locator('td[data-mastery="mastered"]').first()).toBeVisible();
	const link = page.getByRole('link', { name: 'View and print your certificate' });
	await expect(link).toBeVisible();
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const width of SCREEN_WIDTHS) {
			await page.setViewportSize({ width, height: 800 });
			await expectNoViolations(page, `dashboard with a certificate, ${scheme}, ${width} px`);
		}
	}
	const href = (await link.getAttribute('href')) as string;
	expect(href).toMatch(/^\/certificates\/[a-z2-7]{26}$/);

	// Someone else, signed out, opens the shared link.
	const visitor = await newPage();
	const response = await visitor.goto(href);
	expect(response?.status()).toBe(200);
	await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('Katherine Johnson');
	await expect(visitor.locator('[data-course-title]')).toHaveText(quizzes.course.title);
	await expect(visitor.locator('[data-valid]')).toContainText('valid');
	await expect(visitor.locator('[data-verification-url]')).toHaveText(new RegExp(`${href}$`));
	await expect(visitor.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');
	await expect(visitor.locator('[data-sign-in]')).toBeVisible();
	expect(await visitor.content()).not.toContain(learner.email);
	for (const scheme of ['light', 'dark'] as const) {
		await visitor.emulateMedia({ colorScheme: scheme, media: 'screen' });
		for (const width of SCREEN_WIDTHS) {
			await visitor.setViewportSize({ width, height: 800 });
			await expectNoViolations(visitor, `certificate page, ${scheme}, ${width} px`);
			// Nothing scrolls sideways on a phone.
			expect(await visitor.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
		}
	}

	// Printed: the certificate alone, without the site's header, footer or the printing hint.
	await visitor.emulateMedia({ media: 'print', colorScheme: 'light' });
	await expect(visitor.locator('.site-header')).toBeHidden();
	await expect(visitor.locator('.site-footer')).toBeHidden();
	await expect(visitor.locator('.no-print').first()).toBeHidden();
	await expect(visitor.locator('[data-verification-url]')).toBeVisible();
	const pdf = await visitor.pdf({ format: 'A4' });
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

	// An id that was never issued: a plain sentence and a 404.
	const unknown = await visitor.goto(`/certificates/${'a'.repeat(26)}`);
	expect(unknown?.status()).toBe(404);
	await expect(visitor.locator('[data-not-found]')).toHaveText(
		'No certificate has this verification id. Check that the whole id was copied.',
	);
});
