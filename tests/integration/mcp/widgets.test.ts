/**
 * The Apps SDK widgets against the real production server. First the contract ChatGPT reads over MCP: the
 * tools name `ui://` templates that resources/list and resources/read serve with the Apps SDK MIME type and
 * sandbox rules. Then each widget in Chromium inside a harness that plays ChatGPT: a host page on its own
 * origin frames the widget on a sandbox origin under the CSP the resource declares, injects `window.openai`
 * (toolOutput from a real tool call, widgetState, callTool, openExternal) and fires `openai:set_globals`;
 * callTool is relayed to the real MCP server with an OAuth access token, as ChatGPT's backend does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { type Browser as PlaywrightBrowser, chromium, type FrameLocator, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../playwright.config.ts';
import type { QuizKey } from '../../../src/domain/grading.ts';
import { APPS_SDK_MIME } from '../../../src/server/mcp/widgets.ts';
import { DIST_DIR, type RunningServer, startServer } from '../../helpers/server.ts';
import { approve, authorizePath, Browser, CHATGPT_REDIRECT, s256, serverPost } from '../oauth/helpers.ts';

const ORIGIN = 'https://course.example.test';
const RESOURCE = `${ORIGIN}/mcp`;
/** Stand-ins for chatgpt.com and the per-app sandbox origin ChatGPT frames widgets on. */
const HOST = 'https://chatgpt.test';
const SANDBOX = 'https://app.sandbox.test';
const QUIZ_ID = 'tool-use';

const quizKey = (id: string): QuizKey => JSON.parse(readFileSync(path.join(DIST_DIR, 'private', 'quizzes', `${id}.json`), 'utf8'));

/** Tool results are checked field by field. */
type Structured = any;

let server: RunningServer;
let anon: McpClient;
const clients: McpClient[] = [];

async function connect(bearer?: string): Promise<McpClient> {
	const client = new McpClient({ name: 'widget-tests', version: '1.0.0' });
	const headers = bearer ? { Authorization: `Bearer ${bearer}` } : undefined;
	await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url), headers ? { requestInit: { headers } } : undefined));
	clients.push(client);
	return client;
}

/** What ChatGPT does to link an account: register, PKCE authorization for the MCP resource, consent, token. */
async function linkLearner(email: string): Promise<string> {
	const registered = await fetch(`${server.url}/oauth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ client_name: 'ChatGPT', redirect_uris: [CHATGPT_REDIRECT], token_endpoint_auth_method: 'none' }),
	}).then((res) => res.json());
	const verifier = randomBytes(32).toString('base64url');
	const pathname = authorizePath({
		response_type: 'code',
		client_id: registered.client_id,
		redirect_uri: CHATGPT_REDIRECT,
		state: 'widgets',
		scope: 'course',
		code_challenge: s256(verifier),
		code_challenge_method: 'S256',
		resource: RESOURCE,
	});
	const browser = new Browser(server.url);
	expect((await browser.signIn(pathname, email)).status).toBe(303);
	const code = (await approve(browser, pathname)).searchParams.get('code') as string;
	const token = await serverPost(server.url, '/oauth/token', {
		grant_type: 'authorization_code',
		client_id: registered.client_id,
		code,
		redirect_uri: CHATGPT_REDIRECT,
		code_verifier: verifier,
		resource: RESOURCE,
	});
	expect(token.status, token.text).toBe(200);
	return token.json.access_token;
}

const call = async (client: McpClient, name: string, args: Record<string, unknown> = {}) =>
	(await client.callTool({ name, arguments: args })) as CallToolResult;

const templateOf = (tool: Tool | undefined) => tool?._meta?.['openai/outputTemplate'] as string | undefined;

beforeAll(async () => {
	server = await startServer({ env: { PUBLIC_ORIGIN: ORIGIN } });
	anon = await connect();
});

afterAll(async () => {
	for (const client of clients) await client.close().catch(() => {});
	expect(await server?.stop()).toBe(0);
});

describe('widget templates over MCP', () => {
	it('names a ui:// template on getQuiz and getProgress that resources/list serves with the Apps SDK MIME type', async () => {
		const { tools } = await anon.listTools();
		const byName = new Map(tools.map((t) => [t.name, t]));
		const { resources } = await anon.listResources();
		const templated = tools.filter((t) => templateOf(t));
		expect(templated.map((t) => t.name).sort()).toEqual(['getProgress', 'getQuiz']);
		for (const tool of templated) {
			const uri = templateOf(tool) as string;
			expect(uri).toMatch(/^ui:\/\/widget\/[a-z]+\.[0-9a-f]{10}\.html$/);
			expect(resources.filter((r) => r.uri === uri).map((r) => r.mimeType)).toEqual([APPS_SDK_MIME]);
			expect(tool._meta).toMatchObject({ 'openai/widgetAccessible': true });
			for (const key of ['openai/toolInvocation/invoking', 'openai/toolInvocation/invoked']) {
				const status = tool._meta?.[key];
				expect(typeof status === 'string' && status.length > 0 && status.length <= 64, key).toBe(true);
			}
		}
		expect(new Set(templated.map(templateOf)).size).toBe(2);
		// Every template is some tool's, and the tools the widgets call are open to widgets.
		const templates = resources.filter((r) => r.mimeType === APPS_SDK_MIME).map((r) => r.uri);
		expect(templates.sort()).toEqual(templated.map(templateOf).sort());
		for (const name of ['startQuiz', 'submitQuiz', 'getStreak'])
			expect(byName.get(name)?._meta?.['openai/widgetAccessible'], name).toBe(true);
		expect(byName.get('getCourse')?._meta?.['openai/widgetAccessible']).toBeUndefined();
	});

	it('reads each template as one self-contained page: no network, no inline handlers, no answer key', async () => {
		const { tools } = await anon.listTools();
		const explanations = quizKey(QUIZ_ID).questions.map((q) => q.explanation);
		for (const uri of tools.map(templateOf).filter(Boolean) as string[]) {
			const { contents } = await anon.readResource({ uri });
			expect(contents).toHaveLength(1);
			const [content] = contents as [{ uri: string; mimeType: string; text: string; _meta: Structured }];
			expect(content.uri).toBe(uri);
			expect(content.mimeType).toBe(APPS_SDK_MIME);
			const html = content.text;
			expect(html).toMatch(/^<!doctype html>/);
			expect(html).toContain(`data-origin="${ORIGIN}"`);
			expect(html).toContain('window.openai');
			expect(html).not.toContain('<!-- widget-kit -->');
			expect(html, 'external scripts, styles or images').not.toMatch(/\s(src|href)=["']?(https?:)?\/\//i);
			expect(html, 'network calls').not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource|import\(/);
			expect(html, 'inline event handlers').not.toMatch(/<[^>]+\son[a-z]+=/i);
			expect(html, 'innerHTML').not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
			for (const explanation of explanations) expect(html).not.toContain(explanation);
			expect(content._meta).toMatchObject({
				'openai/widgetDomain': ORIGIN,
				'openai/widgetCSP': { connect_domains: [], resource_domains: [], redirect_domains: [ORIGIN] },
				ui: { csp: { connectDomains: [], resourceDomains: [] } },
			});
		}
	});
});

interface Harness {
	page: Page;
	widget: FrameLocator;
	/** What the widget asked of the host: state saves, tool calls, links opened, CSP violations. */
	log: { widgetStates: Structured[]; calls: string[]; opened: string[]; violations: string[]; offHost: string[] };
	setGlobals(globals: Record<string, unknown>): Promise<void>;
}

/** The bridge ChatGPT injects into the sandbox frame before the widget's own code: `window.openai`. */
const BRIDGE = `(() => {
	const HOST = ${JSON.stringify(HOST)};
	const pending = new Map();
	let next = 0;
	const openai = Object.assign(JSON.parse(document.currentScript.dataset.globals), {
		callTool(name, args) {
			return new Promise((resolve, reject) => {
				const id = ++next;
				pending.set(id, { resolve, reject });
				parent.postMessage({ type: 'callTool', id, name, args }, HOST);
			});
		},
		setWidgetState(state) {
			openai.widgetState = state;
			parent.postMessage({ type: 'setWidgetState', state }, HOST);
			return Promise.resolve();
		},
		openExternal({ href }) {
			parent.postMessage({ type: 'openExternal', href }, HOST);
		},
	});
	window.openai = openai;
	document.addEventListener('securitypolicyviolation', (e) => {
		parent.postMessage({ type: 'violation', text: e.violatedDirective + ' ' + e.blockedURI }, HOST);
	});
	window.addEventListener('message', (event) => {
		if (event.origin !== HOST) return;
		const message = event.data;
		if (message.type === 'callToolResult') {
			const call = pending.get(message.id);
			pending.delete(message.id);
			if (message.error) call.reject(new Error(message.error));
			else call.resolve(message.response);
		}
		if (message.type === 'setGlobals') {
			Object.assign(openai, message.globals);
			window.dispatchEvent(new CustomEvent('openai:set_globals', { detail: { globals: message.globals } }));
		}
	});
})();`;

/** The host page: frames the widget and relays the frame's messages to the test (and so to the MCP server). */
const HOST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chat</title></head><body><main>
<h1>Chat</h1><iframe title="Course Companion widget" src="${SANDBOX}/widget" sandbox="allow-scripts allow-same-origin" style="width:100%;height:900px;border:0"></iframe>
<script>
const frame = document.querySelector('iframe');
window.addEventListener('message', async (event) => {
	if (event.origin !== ${JSON.stringify(SANDBOX)}) return;
	const message = event.data;
	if (message.type === 'callTool') {
		try {
			const response = await window.hostCallTool(message.name, message.args);
			frame.contentWindow.postMessage({ type: 'callToolResult', id: message.id, response }, ${JSON.stringify(SANDBOX)});
		} catch (error) {
			frame.contentWindow.postMessage({ type: 'callToolResult', id: message.id, error: String(error) }, ${JSON.stringify(SANDBOX)});
		}
	} else {
		window.hostRecord(message);
	}
});
window.pushGlobals = (globals) => frame.contentWindow.postMessage({ type: 'setGlobals', globals }, ${JSON.stringify(SANDBOX)});
</script></main></body></html>`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * How the host answers the widget's callTool: the MCP result with `result` (its text) added, or only
 * `{ result }` as the Apps SDK's published type says; the widgets must read both.
 */
type CallShape = 'mcp' | 'result-only';

async function openWidget(
	browser: PlaywrightBrowser,
	client: McpClient,
	tool: string,
	globals: Record<string, unknown>,
	shape: CallShape,
): Promise<Harness> {
	const { tools } = await client.listTools();
	const uri = templateOf(tools.find((t) => t.name === tool)) as string;
	const { contents } = await client.readResource({ uri });
	const { text: html, _meta: meta } = contents[0] as { text: string; _meta: Structured };
	const document = html.replace(
		'<head>',
		`<head><script data-globals="${JSON.stringify(globals).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">${BRIDGE}</script>`,
	);
	// The sandbox's policy: only the page's own inline scripts (by hash, so inline event handlers would be
	// refused), inline styles, and the connect and resource domains the template declares.
	const scripts = [...document.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1] as string));
	const csp = meta['openai/widgetCSP'];
	const policy = [
		"default-src 'none'",
		`script-src ${scripts.join(' ')}`,
		"style-src 'unsafe-inline'",
		`img-src data: ${csp.resource_domains.join(' ')}`.trim(),
		`connect-src ${csp.connect_domains.join(' ') || "'none'"}`,
		`frame-ancestors ${HOST}`,
		"base-uri 'none'",
		"form-action 'none'",
	].join('; ');

	// A context of its own per widget (axe needs one), so no state leaks between renders.
	const page = await (await browser.newContext()).newPage();
	const log: Harness['log'] = { widgetStates: [], calls: [], opened: [], violations: [], offHost: [] };
	page.on('console', (message) => {
		if (/Content Security Policy|Refused to/i.test(message.text())) log.violations.push(message.text());
	});
	await page.route('**/*', (route) => {
		const url = route.request().url();
		if (url === `${HOST}/`) return route.fulfill({ contentType: 'text/html', body: HOST_PAGE });
		if (url === `${SANDBOX}/widget`) {
			return route.fulfill({ contentType: 'text/html', headers: { 'content-security-policy': policy }, body: document });
		}
		log.offHost.push(url);
		return route.abort();
	});
	await page.exposeBinding('hostCallTool', async (_source, name: string, args: Record<string, unknown>) => {
		log.calls.push(name);
		const result = await call(client, name, args);
		const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
		return shape === 'mcp' ? { ...result, result: text } : { result: text };
	});
	await page.exposeBinding('hostRecord', (_source, message: Structured) => {
		if (message.type === 'setWidgetState') log.widgetStates.push(message.state);
		if (message.type === 'openExternal') log.opened.push(message.href);
		if (message.type === 'violation') log.violations.push(message.text);
	});
	await page.goto(`${HOST}/`);
	const widget = page.frameLocator('iframe');
	await widget.locator('main').waitFor();
	return {
		page,
		widget,
		log,
		setGlobals: (next) => page.evaluate((g) => (window as unknown as { pushGlobals(g: unknown): void }).pushGlobals(g), next),
	};
}

async function axeViolations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
	return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const textOf = async (locator: { textContent(): Promise<string | null> }) => (await locator.textContent())?.replace(/\s+/g, ' ').trim();

describe.skipIf(!existsSync(CHROMIUM))('widgets in Chromium behind a ChatGPT-style host bridge', () => {
	let browser: PlaywrightBrowser;
	let premium: McpClient;
	let free: McpClient;

	beforeAll(async () => {
		browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
		premium = await connect(await linkLearner('premium@demo.test'));
		free = await connect(await linkLearner('free@demo.test'));
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('quiz: renders when the host sets toolOutput, takes answers by keyboard and pointer, submits and shows the revealed result', async () => {
		const key = quizKey(QUIZ_ID);
		const input = { id: QUIZ_ID };
		const quiz = await call(premium, 'getQuiz', input);
		expect(quiz.isError).toBeFalsy();
		// ChatGPT shows the template while the tool runs, then hands over its output.
		const harness = await openWidget(
			browser,
			premium,
			'getQuiz',
			{ theme: 'light', toolInput: input, toolOutput: null, widgetState: null },
			'mcp',
		);
		const { widget, log } = harness;
		expect(await textOf(widget.locator('main'))).toBe('Loading the quiz…');
		await harness.setGlobals({ toolOutput: quiz.structuredContent, toolResponseMetadata: quiz._meta ?? null });
		await widget.getByRole('heading', { level: 2, name: key.title }).waitFor();
		expect(await widget.getByRole('group').count()).toBe(key.questions.length);

		await widget.getByRole('button', { name: 'Submit answers' }).click();
		expect(await textOf(widget.getByRole('alert'))).toBe('Answer every question first: question 1 has no answer yet.');

		for (const [i, question] of key.questions.entries()) {
			const group = widget.getByRole('group', { name: new RegExp(`^Question ${i + 1} of`) });
			for (const id of question.correct) {
				const label = question.options.find((o) => o.id === id)?.text as string;
				const option = group.getByLabel(label, { exact: true });
				if (i === 0) {
					await option.focus();
					await harness.page.keyboard.press('Space');
				} else {
					await option.check();
				}
				expect(await option.isChecked()).toBe(true);
			}
		}
		await expect.poll(() => log.widgetStates.at(-1)?.answers?.[key.questions.at(-1)?.id as string]).toBeDefined();
		expect(log.widgetStates.at(-1)).toMatchObject({ quizId: QUIZ_ID, result: null });
		await widget.getByRole('button', { name: 'Submit answers' }).press('Enter');

		const total = key.questions.length;
		await widget.getByRole('heading', { level: 2, name: `Passed: ${total} of ${total} correct` }).waitFor();
		expect(log.calls).toEqual(['submitQuiz']);
		const page = await textOf(widget.locator('main'));
		for (const question of key.questions) expect(page).toContain(question.explanation);
		expect(await widget.getByText('Correct answer:', { exact: false }).count()).toBe(total);
		expect(page).not.toContain('not shown for this attempt');
		// Focus moves to the result for keyboard and screen-reader users.
		expect(await widget.locator('#result-title').evaluate((h) => h === document.activeElement)).toBe(true);
		await expect.poll(() => log.widgetStates.at(-1)?.result?.score).toBe(total);
		expect(log.widgetStates.at(-1)).toMatchObject({ quizId: QUIZ_ID, result: { score: total, passed: true, revealed: true } });

		// The attempt is the real server's.
		const results = (await call(premium, 'getQuizResults', input)).structuredContent as Structured;
		expect(results.attempts[0]).toMatchObject({ score: total, total, percent: 100, passed: true });
		expect(log.violations).toEqual([]);
		expect(log.offHost).toEqual([]);
		expect(await axeViolations(harness.page)).toEqual([]);

		// A later render of the same message restores the result from widgetState.
		await harness.page.context().close();
		const again = await openWidget(
			browser,
			premium,
			'getQuiz',
			{ toolInput: input, toolOutput: quiz.structuredContent, widgetState: log.widgetStates.at(-1) },
			'mcp',
		);
		await again.widget.getByRole('heading', { level: 2, name: `Passed: ${total} of ${total} correct` }).waitFor();
		expect(again.log.calls).toEqual([]);
		await again.page.context().close();
	}, 90_000);

	it('quiz: a failed attempt shows what the reveal policy allows — no correct answers, no explanations — and links to the section', async () => {
		const key = quizKey(QUIZ_ID);
		const quiz = await call(free, 'getQuiz', { id: QUIZ_ID });
		const harness = await openWidget(
			browser,
			free,
			'getQuiz',
			{ toolInput: { id: QUIZ_ID }, toolOutput: quiz.structuredContent, widgetState: null },
			'mcp',
		);
		const { widget, log } = harness;
		for (const [i, question] of key.questions.entries()) {
			const wrong = question.options.find((o) => !question.correct.includes(o.id)) as { text: string };
			await widget
				.getByRole('group', { name: new RegExp(`^Question ${i + 1} of`) })
				.getByLabel(wrong.text, { exact: true })
				.check();
		}
		await widget.getByRole('button', { name: 'Submit answers' }).click();
		const total = key.questions.length;
		await widget.getByRole('heading', { level: 2, name: `Not passed yet: 0 of ${total} correct` }).waitFor();
		const page = (await textOf(widget.locator('main'))) as string;
		expect(page).toContain('Correct answers and explanations are not shown for this attempt.');
		expect(page).toContain('2 attempts left today');
		expect(page).not.toContain('Correct answer:');
		for (const question of key.questions) expect(page).not.toContain(question.explanation);
		expect(await widget.getByText('Not quite', { exact: true }).count()).toBe(total);
		// Feedback the author wrote for a picked option is shown.
		const picked = key.questions.flatMap((q) => {
			const wrong = q.options.find((o) => !q.correct.includes(o.id)) as { id: string };
			return q.feedback[wrong.id] ? [q.feedback[wrong.id] as string] : [];
		});
		for (const feedback of picked) expect(page).toContain(feedback);

		const review = widget.getByRole('link', { name: /^Review: / }).first();
		const href = (await review.getAttribute('href')) as string;
		expect(href.startsWith(`${ORIGIN}/`)).toBe(true);
		await review.click();
		await expect.poll(() => log.opened).toEqual([href]);

		await widget.getByRole('button', { name: 'Try again' }).click();
		await widget.getByRole('button', { name: 'Submit answers' }).waitFor();
		expect(await widget.locator('input:checked').count()).toBe(0);
		expect(log.violations).toEqual([]);
		expect(log.offHost).toEqual([]);
		expect(await axeViolations(harness.page)).toEqual([]);
		await harness.page.context().close();
	}, 90_000);

	it('quiz: the day’s last attempt reveals the answers; past the limit the tool’s refusal is shown', async () => {
		const key = quizKey(QUIZ_ID);
		const wrong = Object.fromEntries(key.questions.map((q) => [q.id, [q.options.find((o) => !q.correct.includes(o.id))?.id]]));
		// Spend attempts through the tool until one is left for the widget.
		while (((await call(free, 'getQuizResults', { id: QUIZ_ID })).structuredContent as Structured).attemptsLeftToday > 1) {
			expect((await call(free, 'submitQuiz', { id: QUIZ_ID, answers: wrong })).isError).toBeFalsy();
		}
		const quiz = await call(free, 'getQuiz', { id: QUIZ_ID });
		const globals = { toolInput: { id: QUIZ_ID }, toolOutput: quiz.structuredContent, widgetState: null };
		const answerWrong = async (widget: FrameLocator) => {
			for (const [i, question] of key.questions.entries()) {
				const option = question.options.find((o) => !question.correct.includes(o.id)) as { text: string };
				await widget
					.getByRole('group', { name: new RegExp(`^Question ${i + 1} of`) })
					.getByLabel(option.text, { exact: true })
					.check();
			}
			await widget.getByRole('button', { name: 'Submit answers' }).click();
		};

		const last = await openWidget(browser, free, 'getQuiz', globals, 'mcp');
		await answerWrong(last.widget);
		await last.widget.getByRole('heading', { level: 2, name: /^Not passed yet/ }).waitFor();
		const page = (await textOf(last.widget.locator('main'))) as string;
		expect(page).toContain('0 attempts left today');
		expect(page).toContain('That was the last attempt for today.');
		for (const question of key.questions) expect(page).toContain(question.explanation);
		expect(await last.widget.getByRole('button', { name: 'Try again' }).count()).toBe(0);
		await last.page.context().close();

		const refused = await call(free, 'submitQuiz', { id: QUIZ_ID, answers: wrong });
		expect(refused.isError).toBe(true);
		const over = await openWidget(browser, free, 'getQuiz', globals, 'result-only');
		await answerWrong(over.widget);
		// Each refusal counts the minutes to the reset at its own instant: a minute may turn between the two.
		const atAnyMinute = (text: string | null | undefined) => text?.replace(/, in [^.]*\./, ', in ….');
		await expect
			.poll(async () => atAnyMinute(await textOf(over.widget.getByRole('alert'))))
			.toBe(atAnyMinute((refused._meta as Structured).error.message));
		expect(await over.widget.getByRole('button', { name: 'Submit answers' }).isEnabled()).toBe(true);
		await over.page.context().close();
	}, 90_000);

	it('progress: renders the real progress, next step and the streak it asks for through callTool', async () => {
		const answers = Object.fromEntries(quizKey(QUIZ_ID).questions.map((q) => [q.id, q.correct]));
		expect((await call(premium, 'submitQuiz', { id: QUIZ_ID, answers })).isError).toBeFalsy();
		await call(premium, 'updateProgress', { chapterId: QUIZ_ID });
		await call(premium, 'recordCheckin');
		const progress = await call(premium, 'getProgress');
		const expected = progress.structuredContent as Structured;
		const streak = (await call(premium, 'getStreak')).structuredContent as Structured;
		expect(expected.completedChapters.length).toBeGreaterThan(0);
		expect(streak.current).toBeGreaterThan(0);

		const harness = await openWidget(
			browser,
			premium,
			'getProgress',
			{ theme: 'light', toolInput: {}, toolOutput: expected, widgetState: null },
			'result-only',
		);
		const { widget, log } = harness;
		await widget.getByRole('heading', { level: 2, name: 'Your progress' }).waitFor();
		expect(await textOf(widget.locator('#progress-text'))).toBe(
			`${expected.percentComplete}% complete · ${expected.completedChapters.length} of ${expected.chapters.length} chapters done`,
		);
		expect(await widget.locator('progress').getAttribute('value')).toBe(String(expected.percentComplete));
		expect(await textOf(widget.getByRole('region', { name: 'Next step' }).locator('p'))).toBe(expected.nextStep.message);
		const streakRegion = widget.getByRole('region', { name: 'Streak' });
		await streakRegion.locator('dl').waitFor();
		const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
		expect(await streakRegion.locator('dt, dd').allTextContents()).toEqual([
			'Current',
			days(streak.current),
			'Longest',
			days(streak.longest),
			'Today',
			'Done',
			'Freezes left',
			`${streak.freezesLeft} of ${streak.freezesPerMonth} this month`,
		]);
		expect(log.calls).toEqual(['getStreak']);
		const items = widget.getByRole('region', { name: 'Chapters' }).getByRole('listitem');
		expect(await items.count()).toBe(expected.chapters.length);
		const quizChapter = expected.chapters.find((c: Structured) => c.chapterId === QUIZ_ID);
		expect(await textOf(items.nth(quizChapter.position - 1))).toBe(
			`${quizChapter.title} — Quiz passed · best quiz score ${quizChapter.bestPercent}%`,
		);

		await harness.setGlobals({ theme: 'dark' });
		await expect.poll(() => widget.locator('html').getAttribute('data-theme')).toBe('dark');
		expect(log.violations).toEqual([]);
		expect(log.offHost).toEqual([]);
		expect(await axeViolations(harness.page)).toEqual([]);
		await harness.page.context().close();
	}, 90_000);

	it('quiz: an error result from the tool is shown as a plain sentence', async () => {
		const anonymous = await call(anon, 'getQuiz', { id: 'does-not-exist' });
		expect(anonymous.isError).toBe(true);
		// No structuredContent on an error: the host hands the widget the result's _meta, which holds it.
		expect(anonymous.structuredContent).toBeUndefined();
		const harness = await openWidget(browser, anon, 'getQuiz', { toolOutput: null, toolResponseMetadata: anonymous._meta }, 'mcp');
		const message = (anonymous._meta as Structured).error.message;
		expect(message).toMatch(/\S/);
		expect(await textOf(harness.widget.getByRole('alert'))).toBe(message);
		await harness.page.context().close();
	});
});
