/**
 * The admin page and its operations, through the real server with a real SMTP server started here: an
 * administrator invites a learner (who receives the email, chooses a password on the real reset page
 * and signs in), creates one with a temporary password, sends a reset link, changes a tier (a no-op
 * change says so and records nothing), pages the learner list and the audit log, which names people
 * rather than ids. Then who may: anonymous 401, learners 403, a cross-site form post refused. On PGlite
 * and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.ts';
import { textOf } from '../../helpers/html.ts';
import { Client } from '../../helpers/server.ts';
import { linkIn, startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import { type ApiServer, type Learner, registerLearner, signInAdmin, startApiServer, uniqueEmail } from './fixtures.ts';

const PUBLIC_ORIGIN = 'http://localhost:4321';
const CHOSEN_PASSWORD = 'chosen-password-789';

interface AuditBody {
	entries: {
		action: string;
		learner: { id: string; name: string; email: string };
		by: { email: string } | null;
		byLabel: string;
		summary: string;
	}[];
	total: number;
	page: number;
}

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: admin operations in the UI`, () => {
		let smtp: TestSmtpServer;
		let api: ApiServer;
		/** The admin's API calls, checked against /openapi.json. */
		let admin: Learner;
		/** The same admin in a browser: pages are not in the API document. */
		let adminPages: Client;
		let learner: Learner;
		const invitee = { email: uniqueEmail('invitee'), name: 'Ines Invitee' };

		beforeAll(async () => {
			smtp = await startSmtpServer();
			api = await startApiServer(kind, { SMTP_URL: smtp.url, MAIL_FROM: '"Course" <no-reply@course.test>', PUBLIC_ORIGIN });
			admin = await signInAdmin(api);
			adminPages = (await signInAdmin(api, false)).client;
			learner = await registerLearner(api, 'plain', { checked: false });
		});
		afterAll(async () => {
			await api?.stop();
			await smtp?.stop();
		});

		const audit = async (query = '') => (await admin.client.get(`/api/v1/admin/audit${query}`)).json as AuditBody;

		it('invites a learner from the page: the email arrives, its link sets the password, and the learner signs in on the chosen tier', async () => {
			const page = await adminPages.postForm('/admin', {
				action: 'create',
				email: invitee.email,
				displayName: invitee.name,
				tier: 'premium',
				temporaryPassword: '',
			});
			expect(page.status).toBe(200);
			expect(textOf(page.text)).toContain(
				`The account for ${invitee.email} was created and an invitation to choose a password was emailed to them.`,
			);
			const mail = await smtp.waitFor((m) => m.to.includes(invitee.email));
			expect(mail.parsed.subject).toMatch(/^You are invited to /);
			expect(mail.parsed.text).toContain(`Hello ${invitee.name},`);
			expect(mail.parsed.text).toContain('within seven days');
			const link = linkIn(mail, '/reset-password');
			expect(link.origin).toBe(PUBLIC_ORIGIN);
			const browser = new Client(api.url);
			expect((await browser.get(link.pathname + link.search)).status).toBe(200);
			const set = await browser.postForm('/reset-password', {
				token: link.searchParams.get('token') ?? '',
				newPassword: CHOSEN_PASSWORD,
				confirmPassword: CHOSEN_PASSWORD,
			});
			expect(set.status).toBe(200);
			expect(textOf(set.text)).toContain('Your password has been changed.');
			const me = await new Client(api.url).login(invitee.email, CHOSEN_PASSWORD);
			expect(me.user).toMatchObject({ email: invitee.email, displayName: invitee.name, tier: 'premium' });
			// The starting tier is in the tier history, made by the administrator.
			const detail = await admin.client.get(`/api/v1/admin/users/${me.user.id}`);
			expect(detail.json.tierHistory).toEqual([
				expect.objectContaining({ from: 'free', to: 'premium', by: expect.stringContaining('admin@demo.test') }),
			]);
		});

		it('creates a learner with a temporary password through the API: no email, the password works; a taken email is a 409 and a plain sentence on the page', async () => {
			const email = uniqueEmail('temp');
			const sent = smtp.messages.length;
			const res = await admin.client.post('/api/v1/admin/users', {
				email,
				displayName: 'Tomás Temp',
				temporaryPassword: 'temporary-pass-1',
			});
			expect(res.status).toBe(201);
			expect(res.json).toMatchObject({ invited: false, user: { email, tier: 'free', role: 'student' } });
			await new Client(api.url).login(email, 'temporary-pass-1');
			const again = await admin.client.post('/api/v1/admin/users', { email, displayName: 'Again' });
			expect(again.status).toBe(409);
			const page = await adminPages.postForm('/admin', {
				action: 'create',
				email: email.toUpperCase(),
				displayName: 'Again',
				tier: 'free',
			});
			expect(page.status).toBe(409);
			expect(textOf(page.text)).toContain('An account with this email already exists.');
			const invalid = await adminPages.postForm('/admin', { action: 'create', email: 'not-an-email', displayName: '', tier: 'free' });
			expect(invalid.status).toBe(400);
			const said = textOf(invalid.text);
			expect(said).toContain('The email must be an email address');
			expect(said).toContain('The name must not be empty.');
			expect(said).not.toMatch(/body\.|displayName/);
			await new Promise((r) => setTimeout(r, 300));
			expect(smtp.messages.slice(sent).filter((m) => m.to.includes(email))).toEqual([]);
		});

		it('sends a learner a reset link from the page; it arrives and works', async () => {
			const after = smtp.messages.length;
			const page = await adminPages.postForm(`/admin?user=${learner.id}`, { action: 'reset', userId: learner.id });
			expect(page.status).toBe(200);
			expect(textOf(page.text)).toContain(`A password reset link was emailed to ${learner.email}. It works for one hour.`);
			const mail = await smtp.waitFor((m) => m.to.includes(learner.email), { after });
			expect(mail.parsed.subject).toMatch(/^Reset your password for /);
			const link = linkIn(mail, '/reset-password');
			expect((await fetch(api.url + link.pathname + link.search)).status).toBe(200);
			// The learner's password still works until the link is used.
			await new Client(api.url).login(learner.email, learner.password);
		});

		it('a no-op tier change says so and records nothing; a real one is recorded', async () => {
			const before = (await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json.tierHistory.length;
			const auditBefore = (await audit()).total;
			const same = await adminPages.postForm(`/admin?user=${learner.id}`, {
				action: 'tier',
				userId: learner.id,
				tier: 'free',
				reason: '',
			});
			expect(same.status).toBe(200);
			expect(textOf(same.text)).toContain('Nothing changed: the learner already has the free tier.');
			expect((await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json.tierHistory).toHaveLength(before);
			expect((await audit()).total).toBe(auditBefore);
			const api1 = await admin.client.post(`/api/v1/admin/users/${learner.id}/tier`, { tier: 'free' });
			expect(api1.json).toMatchObject({ changed: false, message: 'Nothing changed: the learner already has the free tier.' });
			const real = await adminPages.postForm(`/admin?user=${learner.id}`, {
				action: 'tier',
				userId: learner.id,
				tier: 'pro',
				reason: 'scholarship',
			});
			expect(textOf(real.text)).toContain('Tier changed from free to pro');
			expect((await admin.client.get(`/api/v1/admin/users/${learner.id}`)).json.tierHistory).toHaveLength(before + 1);
		});

		it('the audit log names learners and administrators, newest first, a page at a time', async () => {
			const log = await audit();
			expect(log.entries.slice(0, 2).map((e) => [e.action, e.learner.email])).toEqual([
				['tier_changed', learner.email],
				['reset_link_sent', learner.email],
			]);
			expect(log.entries[0]?.summary).toContain('from free to pro. Reason: scholarship');
			const created = log.entries.find((e) => e.action === 'learner_created' && e.learner.email === invitee.email);
			expect(created).toMatchObject({ learner: { name: invitee.name }, by: { email: 'admin@demo.test' } });
			expect(created?.summary).toMatch(/created the account of Ines Invitee/);
			const second = await audit('?page=2&pageSize=2');
			expect(second.page).toBe(2);
			expect(second.entries.map((e) => e.summary)).toEqual(log.entries.slice(2, 4).map((e) => e.summary));
			const page = textOf((await adminPages.get('/admin')).text);
			expect(page).toContain('Audit log');
			expect(page).toContain(invitee.name);
			expect(page).toContain('Reset link sent');
			expect(page).not.toContain(`admin:${admin.id}`);
			expect(page).not.toContain(admin.id);
		});

		it('pages the learner list beyond 20 matches', async () => {
			const tag = `pager${Date.now().toString(36)}`;
			for (let i = 0; i < 22; i++) {
				const res = await admin.client.post('/api/v1/admin/users', {
					email: `${tag}-${String(i).padStart(2, '0')}@example.test`,
					displayName: `Pager ${i}`,
					temporaryPassword: 'temporary-pass-1',
				});
				expect(res.status).toBe(201);
			}
			const first = await adminPages.get(`/admin?q=${tag}`);
			expect(textOf(first.text)).toContain(`22 accounts match “${tag}”; page 1 of 2.`);
			const listed = (html: string) => (html.match(/<ul data-admin-results[^>]*>([\s\S]*?)<\/ul>/)?.[1] ?? '').match(/<li/g)?.length ?? 0;
			expect(listed(first.text)).toBe(20);
			const next = first.text.match(/href="([^"]*page=2[^"]*)"[^>]*rel="next"/)?.[1]?.replaceAll('&amp;', '&');
			expect(next).toBeDefined();
			const secondHtml = (await adminPages.get(next as string)).text;
			expect(listed(secondHtml)).toBe(2);
			const second = textOf(secondHtml.match(/<section aria-labelledby="learners-heading"[\s\S]*?<\/section>/)?.[0] ?? '');
			expect(second).toContain('page 2 of 2.');
			expect(second).toContain(`${tag}-21@example.test`);
			expect(second).not.toContain(`${tag}-00@example.test`);
			const byApi = await admin.client.get(`/api/v1/admin/users?q=${tag}&page=2`);
			expect(byApi.json).toMatchObject({ total: 22, page: 2, pageSize: 20 });
			expect(byApi.json.users).toHaveLength(2);
		});

		it('refuses anonymous callers (401), learners (403) and a cross-site form post', async () => {
			const anonymous = new Client(api.url);
			expect((await anonymous.post('/api/v1/admin/users', { email: uniqueEmail('x'), displayName: 'X' })).status).toBe(401);
			expect((await anonymous.post(`/api/v1/admin/users/${learner.id}/reset-link`)).status).toBe(401);
			expect((await anonymous.get('/api/v1/admin/audit')).status).toBe(401);
			expect((await anonymous.get('/admin')).status).toBe(303);
			expect((await learner.client.post('/api/v1/admin/users', { email: uniqueEmail('x'), displayName: 'X' })).status).toBe(403);
			expect((await learner.client.post(`/api/v1/admin/users/${learner.id}/reset-link`)).status).toBe(403);
			expect((await learner.client.get('/api/v1/admin/audit')).status).toBe(403);
			const learnerPost = await learner.client.postForm('/admin', {
				action: 'create',
				email: uniqueEmail('x'),
				displayName: 'X',
				tier: 'pro',
			});
			expect(learnerPost.status).toBe(403);
			expect(textOf(learnerPost.text)).toContain('This page is for course administrators only.');
			const email = uniqueEmail('csrf');
			const forged = await adminPages.postForm(
				'/admin',
				{ action: 'create', email, displayName: 'Forged', tier: 'team' },
				{ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
			);
			expect(forged.status).toBe(403);
			expect((await admin.client.get(`/api/v1/admin/users?q=${encodeURIComponent(email)}`)).json.total).toBe(0);
		});
	});
}
