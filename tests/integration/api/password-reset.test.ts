/**
 * Forgotten passwords and email verification, end to end: the real server sends through a real SMTP
 * server started here; the test reads each message, follows its link on the real pages, and checks
 * what a reset must do — new password works, old one and every session, API token, OAuth access and
 * refresh token and pending authorization code of the account stop working, a link works once and
 * for one hour, and the answer is the same for an email no account uses. Then the limits, and the
 * log line a developer without SMTP gets. On PGlite and on PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExtensions } from '../../../src/server/db/pglite.ts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.ts';
import { DEMO_COURSE } from '../../helpers/fixture-build.ts';
import { Client, type RunningServer, startServer } from '../../helpers/server.ts';
import { textOf } from '../../helpers/html.ts';
import { linkIn, startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';
import { approve, authorizePath, Browser, CHATGPT_REDIRECT, serverPost } from '../oauth/helpers.ts';
import { uniqueEmail } from './fixtures.ts';

const COURSE_TITLE = (parse(readFileSync(path.join(DEMO_COURSE, 'course.yaml'), 'utf8')) as { title: string }).title;
const PUBLIC_ORIGIN = 'http://localhost:4321';
const OLD_PASSWORD = 'old-password-123';
const NEW_PASSWORD = 'new-password-456';
const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** A browser's same-origin form post (the pages' CSRF check passes), optionally with a session cookie. */
function postForm(base: string, pathname: string, fields: Record<string, string>, cookie = '') {
	const browser = new Browser(base);
	browser.cookie = cookie;
	return browser.postForm(pathname, fields);
}

/** What the learner held before the reset, as request headers: the browser cookie, the API token, the OAuth access token. */
function credentials(held: { cookie?: Client; bearer?: string; oauth?: { access_token: string } }): Record<string, string>[] {
	return [
		{ cookie: held.cookie?.cookie ?? '' },
		{ authorization: `Bearer ${held.bearer}` },
		{ authorization: `Bearer ${held.oauth?.access_token}` },
	];
}

for (const kind of DATABASE_KINDS) {
	describe(`${kind}: password reset and email verification by email`, () => {
		let smtp: TestSmtpServer;
		let database: TestDatabase;
		let server: RunningServer;
		let base: string;
		const email = uniqueEmail('reset');
		const env = () => ({ SMTP_URL: smtp.url, MAIL_FROM: '"Course" <no-reply@course.test>', PUBLIC_ORIGIN });
		/** What the learner holds before the reset. */
		const before: { cookie?: Client; bearer?: string; oauth?: { access_token: string; refresh_token: string }; pendingCode?: string } = {};
		let client: { client_id: string; client_secret: string };
		let resetLink: URL;

		/** Ours, not the helper's, so it outlives a restart of the server. */
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cc-reset-'));

		beforeAll(async () => {
			smtp = await startSmtpServer();
			database = await createTestDatabase(kind);
			server = await startServer({ databaseUrl: database.url, env: env(), dataDir });
			base = server.url;
		});
		afterAll(async () => {
			await server?.stop();
			await database?.drop();
			await smtp?.stop();
			rmSync(dataDir, { recursive: true, force: true });
		});

		/** Runs SQL on the server's database: directly on Postgres; on PGlite (one process only) with the server stopped. */
		async function withDatabase(run: (query: (text: string, values?: unknown[]) => Promise<any[]>) => Promise<void>): Promise<void> {
			if (kind === 'postgres') {
				const db = new pg.Client({ connectionString: database.url });
				await db.connect();
				try {
					await run(async (text, values) => (await db.query(text, values)).rows);
				} finally {
					await db.end();
				}
				return;
			}
			expect(await server.stop()).toBe(0);
			const db = await PGlite.create(path.join(dataDir, 'pglite'), { extensions: await pgliteExtensions() });
			try {
				await run(async (text, values) => (await db.query(text, values)).rows);
			} finally {
				await db.close();
			}
			server = await startServer({ dataDir, env: env() });
			base = server.url;
		}

		it('sends a verification email on registration; signing in does not wait for it, and its link confirms the address', async () => {
			const learner = new Client(base);
			const res = await learner.post('/api/v1/auth/register', { email, password: OLD_PASSWORD, displayName: 'Riley' });
			expect(res.status).toBe(201);
			const mail = await smtp.waitFor((m) => m.to.includes(email) && /Confirm your email/.test(m.parsed.subject ?? ''));
			expect(mail.parsed.subject).toBe(`Confirm your email address for ${COURSE_TITLE}`);
			expect(mail.parsed.from?.text).toContain('no-reply@course.test');
			// Not verified yet, and the account works all the same.
			await new Client(base).login(email, OLD_PASSWORD);
			const link = linkIn(mail, '/verify-email');
			expect(link.origin).toBe(PUBLIC_ORIGIN);
			const page = await fetch(base + link.pathname + link.search);
			expect(page.status).toBe(200);
			expect(textOf(await page.text())).toContain(`your email address ${email} is confirmed`);
			const again = await fetch(base + link.pathname + link.search);
			expect(textOf(await again.text())).toContain('already been used: your email address is confirmed');
			const bogus = await fetch(`${base}/verify-email?token=${'a'.repeat(32)}`);
			expect(bogus.status).toBe(400);
			expect(textOf(await bogus.text())).toContain('This verification link is not valid.');
		});

		it('before the reset: a browser session, an API token, an OAuth grant and a pending OAuth code all work', async () => {
			before.cookie = new Client(base);
			await before.cookie.login(email, OLD_PASSWORD);
			const bearer = await new Client(base).post('/api/v1/auth/login', { email, password: OLD_PASSWORD, session: 'bearer' });
			before.bearer = bearer.json.token;
			const registered = await fetch(`${base}/oauth/register`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					client_name: 'ChatGPT',
					redirect_uris: [CHATGPT_REDIRECT],
					token_endpoint_auth_method: 'client_secret_post',
				}),
			});
			client = await registered.json();
			const code = async () => {
				const pathname = authorizePath({
					response_type: 'code',
					client_id: client.client_id,
					redirect_uri: CHATGPT_REDIRECT,
					state: 's',
					scope: 'course',
				});
				const browser = new Browser(base);
				await browser.signIn(pathname, email, OLD_PASSWORD);
				return (await approve(browser, pathname)).searchParams.get('code') as string;
			};
			const tokens = await serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				client_secret: client.client_secret,
				code: await code(),
				redirect_uri: CHATGPT_REDIRECT,
			});
			expect(tokens.status).toBe(200);
			before.oauth = tokens.json;
			before.pendingCode = await code();
			for (const headers of credentials(before)) {
				expect((await fetch(`${base}/api/v1/me`, { headers })).status).toBe(200);
			}
		});

		it('links "Forgot your password?" from the sign-in page; the form answers the same for any email and mails only the account', async () => {
			const login = await (await fetch(`${base}/login`)).text();
			expect(login).toContain('href="/forgot-password"');
			const form = await fetch(`${base}/forgot-password`);
			expect(form.status).toBe(200);
			expect(await form.text()).toMatch(/<form method="post"[\s\S]*name="email"/);

			const unknown = uniqueEmail('nobody');
			const sentBefore = smtp.messages.length;
			const known = await postForm(base, '/forgot-password', { email: email.toUpperCase() });
			const other = await postForm(base, '/forgot-password', { email: unknown });
			expect(known.status).toBe(200);
			expect(other.status).toBe(200);
			const sentence = 'If an account uses this email, we have sent it a link to choose a new password.';
			expect(textOf(known.text)).toContain(sentence);
			expect(textOf(known.text).replace(email.toUpperCase(), '')).toBe(textOf(other.text).replace(unknown, ''));

			// The API's answer too: same status, same body.
			const api = new Client(base);
			const a = await api.post('/api/v1/auth/forgot-password', { email: uniqueEmail('nobody') });
			const b = await api.post('/api/v1/auth/forgot-password', { email: 'free@demo.test' });
			expect([a.status, b.status]).toEqual([202, 202]);
			expect(a.json).toEqual(b.json);
			expect(a.json.message).toContain(sentence);
			const invalid = await api.post('/api/v1/auth/forgot-password', { email: 'not an email' });
			expect(invalid.status).toBe(400);
			expect(textOf((await postForm(base, '/forgot-password', { email: 'not an email' })).text)).toContain(
				'Enter the email address of your account, such as ada@example.com.',
			);

			const mail = await smtp.waitFor((m) => m.to.includes(email) && /Reset your password/.test(m.parsed.subject ?? ''), {
				after: sentBefore,
			});
			expect(mail.parsed.subject).toBe(`Reset your password for ${COURSE_TITLE}`);
			expect(mail.parsed.text).toContain('within one hour');
			resetLink = linkIn(mail, '/reset-password');
			expect(resetLink.origin).toBe(PUBLIC_ORIGIN);
			await smtp.waitFor((m) => m.to.includes('free@demo.test'), { after: sentBefore });
			// Give the server time to send anything it (wrongly) would, then check that no one else got mail.
			await new Promise((resolve) => setTimeout(resolve, 500));
			const recipients = smtp.messages.slice(sentBefore).flatMap((m) => m.to);
			expect(recipients.sort()).toEqual([email, 'free@demo.test'].sort());
		});

		it('resets the password through the page: old password, sessions, API tokens, OAuth tokens and codes stop working', async () => {
			const target = resetLink.pathname + resetLink.search;
			const token = resetLink.searchParams.get('token') as string;
			const page = await fetch(base + target);
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toContain(`name="token" value="${token}"`);
			expect(page.headers.get('cache-control')).toContain('no-store');

			const mismatch = await postForm(base, target, { token, newPassword: NEW_PASSWORD, confirmPassword: 'something-else-1' });
			expect(mismatch.status).toBe(400);
			expect(textOf(mismatch.text)).toContain('The two passwords are not the same.');
			const short = await postForm(base, target, { token, newPassword: 'short', confirmPassword: 'short' });
			expect(short.status).toBe(400);
			expect(textOf(short.text)).toContain('The new password must be at least 10 characters.');

			// Another site's form cannot use the link (the CSRF check every form page has).
			const crossSite = await fetch(base + target, {
				method: 'POST',
				headers: { origin: 'https://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }).toString(),
				redirect: 'manual',
			});
			expect(crossSite.status).toBe(403);

			const done = await postForm(base, target, { token, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, before.cookie?.cookie);
			expect(done.status).toBe(200);
			expect(textOf(done.text)).toContain('Your password has been changed.');
			expect(done.headers.getSetCookie().some((c) => /^cc_session=;/.test(c))).toBe(true);

			expect((await new Client(base).post('/api/v1/auth/login', { email, password: OLD_PASSWORD })).status).toBe(401);
			await new Client(base).login(email, NEW_PASSWORD);
			for (const headers of credentials(before)) {
				expect((await fetch(`${base}/api/v1/me`, { headers })).status).toBe(401);
			}
			const refreshed = await serverPost(base, '/oauth/token', {
				grant_type: 'refresh_token',
				client_id: client.client_id,
				client_secret: client.client_secret,
				refresh_token: before.oauth?.refresh_token ?? '',
			});
			expect(refreshed.status).toBe(400);
			expect(refreshed.json.error).toBe('invalid_grant');
			const exchanged = await serverPost(base, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				client_secret: client.client_secret,
				code: before.pendingCode ?? '',
				redirect_uri: CHATGPT_REDIRECT,
			});
			expect(exchanged.status).toBe(400);
			expect(exchanged.json.error).toBe('invalid_grant');
		});

		it('a link works once', async () => {
			const token = resetLink.searchParams.get('token') as string;
			const page = await fetch(base + resetLink.pathname + resetLink.search);
			expect(page.status).toBe(400);
			expect(textOf(await page.text())).toContain('This password reset link has already been used.');
			const api = await new Client(base).post('/api/v1/auth/reset-password', { token, newPassword: 'third-password-789' });
			expect(api.status).toBe(400);
			expect(api.json.error.code).toBe('reset_link_used');
			await new Client(base).login(email, NEW_PASSWORD);
			const bogus = await new Client(base).post('/api/v1/auth/reset-password', { token: 'not-a-token', newPassword: 'third-password-789' });
			expect(bogus.status).toBe(400);
			expect(bogus.json.error).toMatchObject({
				code: 'reset_link_invalid',
				message: 'This password reset link is not valid. Ask for a new one.',
			});
		});

		it('two requests with the same link at once: exactly one changes the password', async () => {
			const sentBefore = smtp.messages.length;
			expect((await new Client(base).post('/api/v1/auth/forgot-password', { email })).status).toBe(202);
			const mail = await smtp.waitFor((m) => m.to.includes(email), { after: sentBefore });
			const token = linkIn(mail, '/reset-password').searchParams.get('token') as string;
			const passwords = ['racing-password-1', 'racing-password-2'];
			const results = await Promise.all(
				passwords.map((newPassword) => new Client(base).post('/api/v1/auth/reset-password', { token, newPassword })),
			);
			expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
			const winner = passwords[results.findIndex((r) => r.status === 200)] as string;
			expect(results.find((r) => r.status === 400)?.json.error.code).toBe('reset_link_used');
			await new Client(base).login(email, winner);
			// Back to the password the next test signs in with, through the page and a fresh link.
			const again = smtp.messages.length;
			await postForm(base, '/forgot-password', { email });
			const link = linkIn(await smtp.waitFor((m) => m.to.includes(email), { after: again }), '/reset-password');
			const reset = await postForm(base, link.pathname + link.search, {
				token: link.searchParams.get('token') as string,
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD,
			});
			expect(reset.status).toBe(200);
		});

		it('stores only a hash of each link, gives it one hour, and refuses it once expired', async () => {
			const sentBefore = smtp.messages.length;
			const requestedAt = Date.now();
			expect((await new Client(base).post('/api/v1/auth/forgot-password', { email })).status).toBe(202);
			const mail = await smtp.waitFor((m) => m.to.includes(email), { after: sentBefore });
			const token = linkIn(mail, '/reset-password').searchParams.get('token') as string;
			await withDatabase(async (query) => {
				const rows = await query('select token_hash, purpose, expires_at, used_at from email_tokens where token_hash in ($1, $2)', [
					sha256Hex(token),
					token,
				]);
				expect(rows).toHaveLength(1);
				expect(rows[0].token_hash).toBe(sha256Hex(token));
				const lifetime = (new Date(rows[0].expires_at).getTime() - requestedAt) / 1000;
				expect(lifetime).toBeGreaterThan(3590);
				expect(lifetime).toBeLessThanOrEqual(3605);
				const verified = await query('select email_verified_at from users where email = $1', [email]);
				expect(verified[0].email_verified_at).not.toBeNull();
				await query(`update email_tokens set expires_at = now() - interval '1 second' where token_hash = $1`, [sha256Hex(token)]);
			});
			const page = await fetch(`${base}/reset-password?token=${token}`);
			expect(page.status).toBe(400);
			expect(textOf(await page.text())).toContain(
				'This link has expired: a password reset link works for one hour, an invitation for seven days.',
			);
			const api = await new Client(base).post('/api/v1/auth/reset-password', { token, newPassword: 'third-password-789' });
			expect(api.status).toBe(400);
			expect(api.json.error.code).toBe('reset_link_expired');
			await new Client(base).login(email, NEW_PASSWORD);
		});
	});
}

describe('without SMTP_URL: links in the server log, and the limits', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ env: { PASSWORD_RESET_LIMIT_PER_HOUR: '2', AUTH_ADDRESS_LIMIT_PER_15_MINUTES: '4' } });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('writes the reset link to the log, limits per email (known or not, the same) and per address', async () => {
		const api = new Client(server.url);
		const ask = (email: string) => api.post('/api/v1/auth/forgot-password', { email });
		expect((await ask('free@demo.test')).status).toBe(202);
		// The log line is written after the response.
		const deadline = Date.now() + 10_000;
		while (!/reset-password\?token=[a-z2-7]{32}/.test(server.output()) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 100));
		const line = server
			.output()
			.split('\n')
			.find((l) => l.includes('/reset-password?token=')) as string;
		expect(JSON.parse(line)).toMatchObject({ msg: expect.stringContaining('SMTP_URL is not set'), mail: { to: 'free@demo.test' } });
		const token = /token=([a-z2-7]{32})/.exec(line)?.[1] as string;
		expect((await fetch(`${server.url}/reset-password?token=${token}`)).status).toBe(200);

		expect((await ask('free@demo.test')).status).toBe(202);
		const known = await ask('free@demo.test');
		expect(known.status).toBe(429);
		expect(known.json.error.message).toMatch(/^Too many password reset requests for this email\. Try again in \d+ seconds\.$/);
		expect(Number(known.headers.get('retry-after'))).toBeGreaterThan(0);
		// The fourth request from this address; an unknown email's answer is the 202 anyone gets.
		expect((await ask(uniqueEmail('nobody'))).status).toBe(202);
		const fifth = await ask(uniqueEmail('nobody'));
		expect(fifth.status).toBe(429);
		expect(fifth.json.error.message).toMatch(/^Too many password reset requests from this address\./);
		// The page says the same in a sentence.
		const page = await postForm(server.url, '/forgot-password', { email: 'premium@demo.test' });
		expect(page.status).toBe(429);
		expect(textOf(page.text)).toMatch(/Too many password reset requests from this address\. Try again in \d+ seconds\./);
	});

	it('limits an unknown email exactly as a known one', async () => {
		const fresh = await startServer({ env: { PASSWORD_RESET_LIMIT_PER_HOUR: '2' } });
		try {
			const api = new Client(fresh.url);
			const unknown = uniqueEmail('nobody');
			const statuses = [];
			for (const email of [unknown, unknown, unknown, 'free@demo.test', 'free@demo.test', 'free@demo.test']) {
				const res = await api.post('/api/v1/auth/forgot-password', { email });
				statuses.push(res.status);
			}
			expect(statuses).toEqual([202, 202, 429, 202, 202, 429]);
		} finally {
			// Stopped at once: the reset queued a moment ago finishes before the database closes.
			expect(await fresh.stop()).toBe(0);
		}
		expect(fresh.output()).not.toMatch(/"level":50|sending email failed/);
		expect(fresh.output()).toContain('/reset-password?token=');
	});
});
