/**
 * The GPT setup guide (docs/chatgpt/README.md) as a builder follows it: every `curl` and `npm run oauth`
 * command in its shell blocks is run, in order, through bash against a real server whose PUBLIC_ORIGIN is
 * its own address (the guide's https://learn.example.com replaced by it), and what each prints is checked.
 * Only the deploy block (exports, build and start) is left out: the test has started the server itself.
 * The database is PostgreSQL, so the CLI runs beside the server as the guide says it can.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gptOperations } from '../../../src/server/api/openapi.ts';
import { operations } from '../../../src/server/operations/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { type RunningServer, startServer } from '../../helpers/server.ts';
import { freePort } from '../oauth/helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'docs/chatgpt/README.md'), 'utf8');
const GUIDE_ORIGIN = 'https://learn.example.com';

/** The commands of every ```sh block, continuation lines joined and trailing comments dropped. */
function shellCommands(markdown: string): string[][] {
	const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
	return blocks.map((block) =>
		block
			.replace(/\\\n\s*/g, ' ')
			.split('\n')
			.map((line) => line.replace(/\s+#\s.*$/, '').trim())
			.filter(Boolean),
	);
}

function bash(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => {
			stdout += d;
		});
		child.stderr.on('data', (d) => {
			stderr += d;
		});
		child.once('error', reject);
		child.once('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

// The guide's `npm run oauth` commands and the server share one database, which the embedded one (one process
// at a time) cannot do: without PostgreSQL (TEST_DATABASE_URL, as CI sets) the suite is skipped, loudly.
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('chatgpt-guide: SKIPPED, it needs PostgreSQL (set TEST_DATABASE_URL)');

describe.skipIf(!hasPostgres)('docs/chatgpt/README.md: the commands it gives work as written', () => {
	let database: TestDatabase;
	let server: RunningServer;
	let origin: string;
	let workDir: string;

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		const port = await freePort();
		origin = `http://127.0.0.1:${port}`;
		server = await startServer({ databaseUrl: database.url, env: { PORT: String(port), PUBLIC_ORIGIN: origin } });
		workDir = mkdtempSync(path.join(os.tmpdir(), 'cc-guide-'));
	});
	/** The CLI opens the same PostgreSQL database as the server. */
	const cliEnv = () => ({ DATABASE_URL: database.url ?? '', DATA_DIR: '' });

	afterAll(async () => {
		await server?.stop();
		await database?.drop();
		if (workDir) rmSync(workDir, { recursive: true, force: true });
	});

	it('runs every curl and npm run oauth command, each printing what the guide says it does', async () => {
		const blocks = shellCommands(README).filter((block) => !block.some((line) => line.startsWith('export ')));
		const commands = blocks.flat();
		expect(commands.length).toBeGreaterThanOrEqual(10);
		expect(
			commands.every((c) => c.startsWith('curl ') || c.startsWith('npm run oauth -- ')),
			commands.join('\n'),
		).toBe(true);

		const placeholders: string[] = [];
		const seen: string[] = [];
		for (const written of commands) {
			let command = written.replaceAll(GUIDE_ORIGIN, origin);
			if (command.includes('<placeholder client_id>')) command = command.replace('<placeholder client_id>', placeholders[0] as string);
			// npm scripts run from the project; files a command writes land in a scratch directory.
			const cwd = command.startsWith('npm ') ? ROOT : workDir;
			const { code, stdout, stderr } = await bash(command, cwd, cliEnv());
			expect(code, `${written}\n${stderr}`).toBe(0);
			seen.push(written);

			if (/add-client/.test(command)) {
				const id = /client_id: (\S+)/.exec(stdout)?.[1];
				expect(id, stdout).toBeTruthy();
				expect(stdout).toMatch(/client_secret: \S+/);
				if (command.includes('g-PENDING')) placeholders.push(id as string);
			} else if (/list-clients/.test(command)) {
				expect(stdout).toContain(placeholders[0]);
				expect(stdout).toContain('https://chatgpt.com/aip/g-1a2b3c4d5e6f/oauth/callback');
			} else if (/remove-client/.test(command)) {
				expect(stdout).toContain(`Removed client ${placeholders[0]}`);
			} else if (command.includes('/api/ready')) {
				expect(JSON.parse(stdout).status).toBe('ready');
			} else if (command.includes('profile=gpt')) {
				const saved = JSON.parse(readFileSync(path.join(workDir, 'course-companion-gpt.json'), 'utf8')) as {
					paths: Record<string, Record<string, { operationId: string }>>;
					components: { securitySchemes: object };
				};
				const ids = Object.values(saved.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
				expect(ids.toSorted()).toEqual(
					gptOperations(operations)
						.map((op) => op.operationId)
						.toSorted(),
				);
				expect(Object.keys(saved.components.securitySchemes)).toEqual(['oauth2']);
			} else if (command.includes('/openapi.json')) {
				expect(stdout).toContain(`"url": "${origin}"`);
				expect(stdout).toContain(`"authorizationUrl": "${origin}/oauth/authorize"`);
			} else if (command.includes('oauth-protected-resource')) {
				expect(JSON.parse(stdout)).toMatchObject({ resource: `${origin}/mcp`, authorization_servers: [origin] });
			} else if (command.includes('oauth-authorization-server')) {
				expect(stdout.trim().split('\n')).toEqual([`"${origin}/oauth/authorize"`, `"${origin}/oauth/token"`, `"${origin}/oauth/register"`]);
			} else if (command.includes('resources/list')) {
				// The widget templates: each a ui:// resource in the Apps SDK's MIME type.
				const uris = [...stdout.matchAll(/"uri": "(ui:\/\/widget\/[^"]+)"/g)].map((m) => m[1]);
				expect(uris.length).toBeGreaterThanOrEqual(2);
				expect(stdout).toContain('"mimeType": "text/html+skybridge"');
			} else if (command.includes('/mcp')) {
				expect(stdout).toMatch(
					new RegExp(`^www-authenticate: Bearer resource_metadata="${origin}/\\.well-known/oauth-protected-resource"`, 'im'),
				);
			} else {
				throw new Error(`The guide gives a command this test does not check: ${written}`);
			}
		}
		// After remove-client the placeholder is gone and the real client stays.
		const after = await bash('npm run oauth -- list-clients', ROOT, cliEnv());
		expect(after.stdout).not.toContain(placeholders[0]);
		expect(after.stdout).toContain('g-1a2b3c4d5e6f');
		expect(seen.filter((c) => c.includes('npm run oauth')).length).toBe(4);
	});

	it('names only npm scripts and oauth subcommands that exist', async () => {
		const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts);
		const help = await bash('npm run --silent oauth -- --help', ROOT, {});
		expect(help.code).toBe(0);
		for (const [, script, rest] of README.matchAll(/npm run (\w[\w:-]*)(?: -- ([\w-]+))?/g)) {
			expect(scripts, `npm run ${script}`).toContain(script);
			if (script === 'oauth' && rest && !rest.startsWith('-')) expect(help.stdout, `oauth ${rest}`).toContain(`npm run oauth -- ${rest}`);
		}
	});
});
