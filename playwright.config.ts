/**
 * Browser tests (tests/e2e) against the real production server (scripts/serve.ts) on the demo fixture
 * build, with a fresh embedded database per run. Browsers are never downloaded: Debian's Chromium is used.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { TEST_DIST_DIR } from './tests/helpers/fixture-build.ts';
import { useFastTmpdir } from './tests/helpers/test-tmpdir.ts';

// Before the webServer starts: its database and the browser profiles on memory (tests/helpers/test-tmpdir.ts).
useFastTmpdir();

/** Debian's `chromium` package; `npx playwright install` cannot download browsers here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
const PORT = Number(process.env.E2E_PORT ?? 4399);
const BASE_URL = `http://127.0.0.1:${PORT}`;
/**
 * The build under test: the demo fixture course, the same build as the integration tests
 * (tests/helpers/fixture-build.ts); the webServer command (tests/e2e/server.ts) builds it when stale.
 * Tests read answer keys from it too.
 */
const DIST_DIR = TEST_DIST_DIR;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
	if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: CI must run the browser tests (apt-get install chromium).`);
	// Tests see E2E_SKIP through the auto fixture in tests/e2e/fixtures.ts and skip themselves.
	process.env.E2E_SKIP = `Chromium not found at ${CHROMIUM}`;
	console.warn(
		`\n${'!'.repeat(78)}\n!!  BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}.\n!!  Install it (apt-get install chromium) or set CHROMIUM_PATH.\n${'!'.repeat(78)}\n`,
	);
}

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results/artifacts',
	fullyParallel: false,
	workers: process.env.CI ? 1 : 2,
	forbidOnly: Boolean(process.env.CI),
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list'], ['github']] : [['list']],
	use: {
		baseURL: BASE_URL,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		locale: 'en-GB',
	},
	projects: [
		{
			name: 'chromium',
			use: { browserName: 'chromium', launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } },
		},
	],
	webServer: hasChromium
		? {
				// Builds the demo fixture when stale, then serves it on a fresh temporary database
				// directory, removed on exit (tests/e2e/server.ts).
				command: `"${process.execPath}" tests/e2e/server.ts`,
				url: `${BASE_URL}/api/health`,
				reuseExistingServer: false,
				timeout: 120_000,
				gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
				stdout: 'pipe',
				stderr: 'pipe',
				env: {
					PORT: String(PORT),
					DIST_DIR,
					PRIVATE_CONTENT_DIR: path.join(DIST_DIR, 'private'),
					HOST: '127.0.0.1',
					PUBLIC_ORIGIN: BASE_URL,
					LOG_LEVEL: 'warn',
					NODE_ENV: 'production',
					SEED_DEMO: 'true',
					DATABASE_URL: '',
					// Many sign-ins in a few seconds from one address: not what the limits are for.
					RATE_LIMIT_PER_MINUTE: '100000',
					AUTH_RATE_LIMIT_PER_15_MINUTES: '100000',
					// A test may move its learner's clock with X-Test-Now (src/server/clock.ts): the review queue's days.
					TEST_CLOCK: 'header',
				},
			}
		: undefined,
});
