/**
 * The GitHub workflows parse, CI runs `npm test` against PostgreSQL 16 on Node 24, and the deploy
 * runs its steps in order. The deploy's sed step is run for real on a copy of netlify.toml.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}
interface Job {
	'runs-on': string;
	services?: Record<string, { image: string; ports?: string[] }>;
	env?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	name: string;
	on: Record<string, unknown>;
	jobs: Record<string, Job>;
}

/** A GitHub expression as written in a workflow: expr('secrets.X') is "${{ secrets.X }}". */
const expr = (inner: string) => `$\{{ ${inner} }}`;
const load = (file: string) => parse(readFileSync(path.join('.github/workflows', file), 'utf8')) as Workflow;
const indexOf = (steps: Step[], test: (s: Step) => boolean) => {
	const i = steps.findIndex(test);
	expect(i).toBeGreaterThanOrEqual(0);
	return i;
};

describe('ci.yml', () => {
	const ci = load('ci.yml');
	const job = Object.values(ci.jobs)[0] as Job;

	it('runs on every push and pull request', () => {
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
	});

	it('runs npm test on Node 24 with PostgreSQL 16 behind TEST_DATABASE_URL', () => {
		expect(job['runs-on']).toMatch(/^ubuntu-/);
		expect(job.services?.postgres?.image).toBe('postgres:16');
		expect(job.services?.postgres?.ports).toContain('5432:5432');
		expect(job.env?.TEST_DATABASE_URL).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:5432\/\w+$/);
		const setup = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(String(setup?.with?.['node-version'])).toBe('24');
		const ciStep = indexOf(job.steps, (s) => s.run?.trim().startsWith('npm ci') ?? false);
		const browser = indexOf(job.steps, (s) => s.run?.includes('CHROMIUM_PATH') ?? false);
		const test = indexOf(job.steps, (s) => s.run?.trim() === 'npm test');
		expect(ciStep).toBeLessThan(test);
		expect(browser).toBeLessThan(test);
	});
});

describe('deploy.yml', () => {
	const deploy = load('deploy.yml');
	const job = Object.values(deploy.jobs)[0] as Job;
	const steps = job.steps;

	it('runs on pushes to main only (and by hand)', () => {
		expect(deploy.on.push).toEqual({ branches: ['main'] });
		expect(Object.keys(deploy.on).sort()).toEqual(['push', 'workflow_dispatch']);
		expect(deploy.on.pull_request).toBeUndefined();
	});

	it('installs, builds, publishes with the R2 secrets, points the proxies at the API, then deploys to Netlify', () => {
		const install = indexOf(steps, (s) => s.run?.trim().startsWith('npm ci') ?? false);
		const build = indexOf(steps, (s) => s.run?.trim() === 'npm run build');
		const publish = indexOf(steps, (s) => s.run?.includes('npm run publish') ?? false);
		const sed = indexOf(steps, (s) => s.run?.includes('sed -i') ?? false);
		const netlify = indexOf(steps, (s) => s.run?.includes('netlify-cli') ?? false);
		const api = indexOf(steps, (s) => s.run?.includes('API_DEPLOY_HOOK_URL') ?? false);
		expect(install).toBeLessThan(build);
		expect(build).toBeLessThan(publish);
		expect(publish).toBeLessThan(netlify);
		expect(sed).toBeLessThan(netlify);
		expect(api).toBeGreaterThan(publish);

		for (const name of ['R2_ENDPOINT', 'R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY', 'R2_PUBLIC_BUCKET', 'R2_PRIVATE_BUCKET']) {
			expect(steps[publish]?.env?.[name]).toBe(expr(`secrets.${name}`));
		}
		// Pruning deletes files that cached pages may still reference: only when asked for by hand.
		expect(steps[publish]?.run?.trim()).toBe(`npm run publish -- ${expr("inputs.prune && '--prune' || ''")}`);
		expect(steps[netlify]?.run).toMatch(/deploy --prod --dir dist\/client/);
		expect(steps[netlify]?.env).toEqual({
			NETLIFY_AUTH_TOKEN: expr('secrets.NETLIFY_AUTH_TOKEN'),
			NETLIFY_SITE_ID: expr('secrets.NETLIFY_SITE_ID'),
		});
		expect(steps[api]?.env?.API_DEPLOY_HOOK_URL).toBe(expr('secrets.API_DEPLOY_HOOK_URL'));
	});

	it("the sed step replaces every proxy's placeholder origin in netlify.toml", () => {
		const script = steps.find((s) => s.run?.includes('sed -i'))?.run ?? '';
		const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-deploy-'));
		try {
			writeFileSync(path.join(dir, 'netlify.toml'), readFileSync('netlify.toml'));
			execFileSync('bash', ['-e', '-c', script], {
				cwd: dir,
				env: { ...process.env, API_ORIGIN: 'https://api.course.test/' },
				stdio: 'pipe',
			});
			const after = parseToml(readFileSync(path.join(dir, 'netlify.toml'), 'utf8')) as { redirects: { to: string }[] };
			expect(after.redirects.length).toBeGreaterThan(0);
			for (const rule of after.redirects) expect(rule.to).toMatch(/^https:\/\/api\.course\.test\/[^/]/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
