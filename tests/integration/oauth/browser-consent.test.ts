/**
 * The consent screen in a real browser (Debian's Chromium): the site's strict CSP has
 * `form-action 'self'`, and browsers apply it to the redirect after a form post, so without the
 * page's own policy the Allow button would be blocked before reaching the app's callback.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { authorizePath, CHATGPT_REDIRECT, PASSWORD, serverPost } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('OAuth consent in Chromium', () => {
	let server: RunningServer;
	let client: { client_id: string; client_secret: string };

	beforeAll(async () => {
		server = await startServer();
		const res = await fetch(`${server.url}/oauth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ client_name: 'ChatGPT', redirect_uris: [CHATGPT_REDIRECT], token_endpoint_auth_method: 'client_secret_post' }),
		});
		client = await res.json();
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('signs in, approves, and lands on the callback with a code that exchanges for tokens', async () => {
		const browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
			],
		});
		try {
			const page = await browser.newPage();
			const violations: string[] = [];
			page.on('console', (message) => {
				if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
			});
			let callback: URL | undefined;
			await page.route('https://chatgpt.com/**', (route) => {
				callback = new URL(route.request().url());
				return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>callback</title>' });
			});
			const pathname = authorizePath({
				response_type: 'code',
				client_id: client.client_id,
				redirect_uri: CHATGPT_REDIRECT,
				state: 'browser-state',
				scope: 'course',
			});
			await page.goto(server.url + pathname);
			await page.getByLabel('Email').fill('free@demo.test');
			await page.getByLabel('Password').fill(PASSWORD);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await expect.poll(() => page.locator('h1').textContent()).toContain('Allow “ChatGPT”');
			await page.getByRole('button', { name: 'Allow' }).click();
			await expect.poll(() => callback?.searchParams.get('state'), { timeout: 10_000 }).toBe('browser-state');
			expect(violations).toEqual([]);

			const token = await serverPost(server.url, '/oauth/token', {
				grant_type: 'authorization_code',
				client_id: client.client_id,
				client_secret: client.client_secret,
				code: callback?.searchParams.get('code') as string,
				redirect_uri: CHATGPT_REDIRECT,
			});
			expect(token.status).toBe(200);
		} finally {
			await browser.close();
		}
	});
});
