/**
 * `npm run audit`: Lighthouse 12 on the production server (built output, fresh embedded database):
 * the home page, a chapter and a signed-in dashboard, with the desktop and mobile presets.
 * Prints performance / accessibility / best practices / SEO and exits 1 if any score is under 95.
 * SEO does not apply to the dashboard: it is a personal page marked noindex on purpose.
 *
 * Flags: --no-build (use dist/ as it is). Env: DIST_DIR (default dist), CHROMIUM_PATH (default /usr/bin/chromium).
 * HTML reports go to test-results/lighthouse/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launch } from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { CONTENT_DIR } from '../src/content/course.ts';
import { serverBundleEntry } from '../src/publish/server-bundle.mjs';
import { astroBuildArgs, SERVER_LAUNCHER, serverNodeFlags } from './node-flags.ts';

const MIN_SCORE = 95;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
type Category = (typeof CATEGORIES)[number];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_FLAGS = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];
const DIST = path.resolve(process.env.DIST_DIR ?? 'dist');
const REPORT_DIR = path.resolve('test-results', 'lighthouse');

interface Target {
	name: string;
	path: string;
	signedIn: boolean;
	/** Categories that do not apply (reported as N/A, not scored). */
	notApplicable: Category[];
}

/** The newest modification time under the inputs of the build. */
function newestInput(): number {
	let newest = 0;
	const walk = (p: string): void => {
		if (!existsSync(p)) return;
		const stat = statSync(p);
		if (stat.isDirectory()) for (const entry of readdirSync(p)) walk(path.join(p, entry));
		else newest = Math.max(newest, stat.mtimeMs);
	};
	for (const input of ['src', 'scripts/serve.ts', CONTENT_DIR, 'public', 'astro.config.mjs', 'package-lock.json'])
		walk(path.resolve(input));
	return newest;
}

function buildIfNeeded(): void {
	// The compiled server is the last thing a build writes (src/publish/bundle-server.ts).
	const entry = serverBundleEntry(DIST);
	const stale = !existsSync(entry) || statSync(entry).mtimeMs < newestInput();
	if (process.argv.includes('--no-build') || !stale) return;
	console.log(existsSync(entry) ? 'The build is older than its sources: building…' : 'No build yet: building…');
	const args = [...astroBuildArgs(), ...(process.env.DIST_DIR ? ['--outDir', DIST] : [])];
	const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
	if (result.status !== 0) throw new Error(`astro build failed (exit ${result.status})`);
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

/** scripts/serve.ts on a free port with its own temporary database, removed afterwards. */
async function startServer(): Promise<{ origin: string; stop: () => Promise<void> }> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'cc-audit-'));
	const child: ChildProcess = spawn(process.execPath, [...serverNodeFlags(), SERVER_LAUNCHER], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			PUBLIC_ORIGIN: origin,
			DIST_DIR: DIST,
			PRIVATE_CONTENT_DIR: path.join(DIST, 'private'),
			DATA_DIR: path.join(dataRoot, 'pglite'),
			DATABASE_URL: '',
			SEED_DEMO: 'true',
			LOG_LEVEL: 'warn',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (d) => {
		output += d;
	});
	child.stderr?.on('data', (d) => {
		output += d;
	});
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the server did not start in 90 s:\n${output}`)), 90_000);
		child.stdout?.on('data', () => {
			if (output.includes('running at')) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the server exited (${code}) before listening:\n${output}`));
		});
	});
	return {
		origin,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dataRoot, { recursive: true, force: true });
		},
	};
}

/** Signs in through the API as a browser would and returns the Cookie header for Lighthouse. */
async function sessionCookie(origin: string): Promise<string> {
	const res = await fetch(`${origin}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify({ email: 'free@demo.test', password: 'learn-with-chatgpt' }),
	});
	if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0] ?? '')
		.filter((c) => /^cc_(session|user)=/.test(c))
		.join('; ');
	if (!cookie.includes('cc_session=')) throw new Error('sign-in set no session cookie');
	return cookie;
}

async function audit(url: string, preset: 'desktop' | 'mobile', cookie: string | null) {
	const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
	try {
		const result = await lighthouse(
			url,
			{
				port: chrome.port,
				output: 'html',
				logLevel: 'error',
				onlyCategories: [...CATEGORIES],
				...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
			},
			preset === 'desktop' ? desktopConfig : undefined,
		);
		if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
		return result;
	} finally {
		chrome.kill();
	}
}

const pad = (s: string, n: number) => s.padEnd(n);

async function main(): Promise<number> {
	if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
	buildIfNeeded();
	const manifest = JSON.parse(readFileSync(path.join(DIST, 'private', 'manifest.json'), 'utf8')) as {
		chapters: { id: string; order: number }[];
	};
	const chapter = [...manifest.chapters].sort((a, b) => a.order - b.order)[0];
	if (!chapter) throw new Error('the course has no chapters');
	const targets: Target[] = [
		{ name: 'Home', path: '/', signedIn: false, notApplicable: [] },
		{ name: `Chapter (${chapter.id})`, path: `/chapters/${chapter.id}/`, signedIn: false, notApplicable: [] },
		{ name: 'Dashboard (signed in)', path: '/dashboard', signedIn: true, notApplicable: ['seo'] },
	];

	const server = await startServer();
	mkdirSync(REPORT_DIR, { recursive: true });
	const rows: { target: Target; preset: string; scores: Record<Category, number | null>; problems: string[] }[] = [];
	try {
		const cookie = await sessionCookie(server.origin);
		for (const target of targets) {
			for (const preset of ['desktop', 'mobile'] as const) {
				const { lhr, report } = await audit(server.origin + target.path, preset, target.signedIn ? cookie : null);
				if (lhr.finalDisplayedUrl && new URL(lhr.finalDisplayedUrl).pathname !== new URL(server.origin + target.path).pathname) {
					throw new Error(`${target.name}: Lighthouse ended on ${lhr.finalDisplayedUrl} (not signed in?)`);
				}
				const file = `${target.name
					.toLowerCase()
					.replace(/[^a-z0-9]+/g, '-')
					.replace(/-$/, '')}-${preset}.html`;
				writeFileSync(path.join(REPORT_DIR, file), Array.isArray(report) ? report.join('') : report);
				const scores = {} as Record<Category, number | null>;
				const problems: string[] = [];
				for (const id of CATEGORIES) {
					const category = lhr.categories[id];
					scores[id] = category?.score == null ? null : Math.round(category.score * 100);
					for (const ref of category?.auditRefs ?? []) {
						const a = lhr.audits[ref.id];
						if (ref.weight > 0 && a && a.score !== null && a.score < 1) {
							problems.push(
								`${target.notApplicable.includes(id) ? `${id} (N/A)` : id}: ${a.id} (${Math.round(a.score * 100)}) ${a.title}${a.displayValue ? ` — ${a.displayValue}` : ''}`,
							);
						}
					}
				}
				rows.push({ target, preset, scores, problems });
				console.log(`  ${target.name}, ${preset}: ${CATEGORIES.map((c) => `${c} ${scores[c] ?? '—'}`).join(', ')}`);
			}
		}
	} finally {
		await server.stop();
	}

	const header = `| Page | Preset | Performance | Accessibility | Best practices | SEO |`;
	const lines = rows.map(({ target, preset, scores }) => {
		const cell = (c: Category) => (target.notApplicable.includes(c) ? `N/A (noindex; ${scores[c] ?? '—'})` : String(scores[c] ?? '—'));
		return `| ${pad(target.name, 28)} | ${pad(preset, 7)} | ${CATEGORIES.map(cell).join(' | ')} |`;
	});
	console.log(
		`\nLighthouse 12 (${new Date().toISOString().slice(0, 10)}), minimum ${MIN_SCORE}:\n\n${header}\n|---|---|---|---|---|---|\n${lines.join('\n')}\n`,
	);

	const failures = rows.flatMap(({ target, preset, scores }) =>
		CATEGORIES.filter((c) => !target.notApplicable.includes(c) && (scores[c] ?? 0) < MIN_SCORE).map(
			(c) => `${target.name} (${preset}): ${c} ${scores[c] ?? 'no score'}`,
		),
	);
	for (const { target, preset, problems } of rows) {
		if (problems.length > 0) console.log(`${target.name} (${preset}) — audits not at 100:\n  ${problems.join('\n  ')}`);
	}
	console.log(`Reports: ${path.relative(process.cwd(), REPORT_DIR)}/`);
	if (failures.length > 0) {
		console.error(`\nUnder ${MIN_SCORE}:\n  ${failures.join('\n  ')}`);
		return 1;
	}
	console.log(`Every score is at least ${MIN_SCORE}.`);
	return 0;
}

try {
	process.exitCode = await main();
} catch (error) {
	console.error((error as Error).message);
	process.exitCode = 1;
}
