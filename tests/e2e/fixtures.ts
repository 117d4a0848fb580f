/**
 * Playwright fixtures in the Epic Stack style, so a test reads like a learner's story:
 * `registerLearner()` signs a new learner up through the form, `loginAs('admin')` hands back a
 * signed-in page in its own browser context, `snap(page, 'dashboard')` keeps screenshots.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, type BrowserContext, expect, type Page } from '@playwright/test';
import { TEST_DIST_DIR } from '../helpers/fixture-build.ts';

export { expect };

export const DEMO_PASSWORD = 'learn-with-chatgpt';
export const DEMO = { free: 'free@demo.test', premium: 'premium@demo.test', admin: 'admin@demo.test' } as const;
export type DemoAccount = keyof typeof DEMO;

export interface Learner {
	email: string;
	password: string;
	displayName: string;
	timezone: string;
}

/** Widths the screenshots are taken at: a desktop window and a phone. */
export const SCREEN_WIDTHS = [1280, 390] as const;
export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

export interface Fixtures {
	/** Signs a new learner up through /register on `page` (default: the test's page); it ends on the dashboard. */
	registerLearner: (options?: { page?: Page; timezone?: string; displayName?: string }) => Promise<Learner>;
	/** A page signed in (POST /api/v1/auth/login) as a demo account or a learner, in its own context unless `page` is given. */
	loginAs: (
		who: DemoAccount | Pick<Learner, 'email' | 'password'>,
		options?: { page?: Page; javaScriptEnabled?: boolean },
	) => Promise<Page>;
	/** A fresh signed-out page, in its own context (e.g. with JavaScript disabled). */
	newPage: (options?: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' }) => Promise<Page>;
	/** Full-page screenshots of `page` at each of SCREEN_WIDTHS into test-results/screenshots/<name>-<width>.png. */
	snap: (page: Page, name: string) => Promise<void>;
	/** Skips every test when playwright.config.ts found no Chromium (it fails instead under CI). */
	requireChromium: undefined;
}

let counter = 0;

export const test = base.extend<Fixtures>({
	requireChromium: [
		// biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object.
		async ({}, use) => {
			base.skip(Boolean(process.env.E2E_SKIP), process.env.E2E_SKIP);
			await use(undefined);
		},
		{ auto: true },
	],

	newPage: async ({ browser, baseURL }, use) => {
		const contexts: BrowserContext[] = [];
		await use(async (options = {}) => {
			const context = await browser.newContext({ baseURL, ...options });
			contexts.push(context);
			return context.newPage();
		});
		for (const context of contexts) await context.close();
	},

	loginAs: async ({ newPage }, use) => {
		await use(async (who, options = {}) => {
			const page = options.page ?? (await newPage({ javaScriptEnabled: options.javaScriptEnabled }));
			const credentials = typeof who === 'string' ? { email: DEMO[who], password: DEMO_PASSWORD } : who;
			const response = await page.context().request.post('/api/v1/auth/login', { data: credentials });
			expect(response.status(), `sign-in as ${credentials.email}: ${await response.text()}`).toBe(200);
			return page;
		});
	},

	registerLearner: async ({ page }, use, testInfo) => {
		await use(async (options = {}) => {
			const target = options.page ?? page;
			counter += 1;
			const stamp = `${Date.now().toString(36)}-${testInfo.workerIndex}-${counter}`;
			const learner: Learner = {
				email: `learner-${stamp}@example.test`,
				password: 'correct horse battery staple',
				displayName: options.displayName ?? `Ada ${stamp}`,
				timezone: options.timezone ?? 'UTC',
			};
			await target.goto('/register');
			await target.getByLabel('Display name').fill(learner.displayName);
			await target.getByLabel('Email').fill(learner.email);
			await target.getByLabel(/^Password/).fill(learner.password);
			await target.getByLabel(/^Time zone/).selectOption(learner.timezone);
			await target.getByRole('button', { name: 'Create account' }).click();
			await expect(target).toHaveURL(/\/dashboard$/);
			return learner;
		});
	},

	// biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object.
	snap: async ({}, use) => {
		mkdirSync(SCREENSHOT_DIR, { recursive: true });
		await use(async (page, name) => {
			const original = page.viewportSize();
			for (const width of SCREEN_WIDTHS) {
				await page.setViewportSize({ width, height: width > 600 ? 800 : 844 });
				await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
			}
			if (original) await page.setViewportSize(original);
		});
	},
});

/** The build under test: the demo fixture course (playwright.config.ts serves the same one). */
export const DIST_DIR = TEST_DIST_DIR;

/** Reads a file from the build, e.g. `private/quizzes/<id>.json` for an answer key. */
export function readBuildFile(relative: string): string {
	const file = path.join(DIST_DIR, relative);
	if (!existsSync(file)) throw new Error(`${file} is missing: the webServer (tests/e2e/server.ts) builds the fixture course first.`);
	return readFileSync(file, 'utf8');
}

export function readBuildJson<T>(relative: string): T {
	return JSON.parse(readBuildFile(relative)) as T;
}

/** The calendar date (YYYY-MM-DD) right now in a time zone, as the server computes a learner's day. */
export function todayIn(timeZone: string, now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * A sentence of 60+ characters from a paragraph with no inline markup or entities, so it appears
 * verbatim in the HTML of any page that shows the body (and nowhere on a page that must not).
 */
export function distinctiveSentence(html: string): string {
	for (const [, inner = ''] of html.matchAll(/<p>([^<&]+)<\/p>/g)) {
		const sentence = inner.split(/(?<=[.!?])\s+/).find((s) => s.length >= 60);
		if (sentence) return sentence.trim();
	}
	throw new Error('no plain sentence of 60+ characters in the chapter body');
}

/** The axe rule sets every page must pass: WCAG 2.0/2.1 A and AA, 2.2 AA. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on the page as it is now and fails with a readable list of every violation. */
export async function expectNoViolations(page: Page, label: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	const report = violations
		.map((v) => {
			const nodes = v.nodes
				.slice(0, 8)
				.map((n) => `      - ${n.target.join(' ')}\n        ${n.failureSummary?.replace(/\n\s*/g, ' | ') ?? ''}`)
				.join('\n');
			const more = v.nodes.length > 8 ? `\n      … and ${v.nodes.length - 8} more` : '';
			return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.nodes.length} element(s))\n    ${v.helpUrl}\n${nodes}${more}`;
		})
		.join('\n');
	expect(violations.length, `axe: ${violations.length} violation(s) on ${label} (${page.url()}):\n${report}\n`).toBe(0);
}
