/**
 * The GPT builder's documentation (docs/chatgpt) must agree with the code it describes: every operation it
 * names exists, the instructions fit ChatGPT's 8,000-character field, the skills follow the Agent Skills format,
 * and the OAuth settings match the OpenAPI document the Action imports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
	freeChaptersSentence,
	GPT_INSTRUCTIONS_LIMIT,
	MAX_FREE_CHARS,
	MAX_OUTLINE_CHARS,
	MAX_TITLE_CHARS,
	renderInstructions,
} from '../../../src/chatgpt/instructions.ts';
import { compileCourse } from '../../../src/content/compile.ts';
import { buildOpenApiDocument, gptOperations, OAUTH_SCOPES } from '../../../src/server/api/openapi.ts';
import { MCP_TOOLS } from '../../../src/server/mcp/tools.ts';
import { operations } from '../../../src/server/operations/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DOCS = path.join(ROOT, 'docs/chatgpt');
const SKILLS = ['concept-explainer', 'progress-motivator', 'quiz-master', 'socratic-tutor'];
const INSTRUCTIONS_LIMIT = 8000;
/** The instructions hold `{ORIGIN}` placeholders; the builder replaces them with an origin at most this long. */
const LONGEST_ORIGIN = 'https://course-companion.example.com'.length + 8;

const operationIds = new Set(operations.map((op) => op.operationId));

function markdownFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return markdownFiles(full);
		return entry.name.endsWith('.md') ? [full] : [];
	});
}

const read = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string) => path.relative(ROOT, file);

/** camelCase words that start like an API verb: in these docs, such a word is always an operationId. */
const OPERATION_LIKE =
	/\b(?:get|list|search|start|submit|update|record|check|upgrade|revoke|change|create|delete|set|add|remove|fetch|mark)[A-Z]\w*\b/g;

/** The instructions' text as pasted into the GPT editor: everything after the leading HTML comment. */
function instructionsParts() {
	const text = read(path.join(DOCS, 'instructions.md'));
	const match = /^<!--([\s\S]*?)-->\n/.exec(text);
	if (!match) throw new Error('docs/chatgpt/instructions.md must start with an HTML comment (the header).');
	return { header: match[1] ?? '', body: text.slice(match[0].length) };
}

/** Splits a markdown document into its `## ` sections, keyed by heading text; headings inside code fences don't count. */
function sections(markdown: string): Map<string, string> {
	const map = new Map<string, string>();
	let current: string | null = null;
	let inFence = false;
	for (const line of markdown.split('\n')) {
		if (line.startsWith('```')) inFence = !inFence;
		const heading = inFence ? null : /^## +(.+)$/.exec(line);
		if (heading) {
			current = (heading[1] ?? '').trim();
			map.set(current, '');
		} else if (current !== null) {
			map.set(current, `${map.get(current)}${line}\n`);
		}
	}
	return map;
}

function frontmatter(markdown: string): { data: unknown; body: string } {
	const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
	if (!match) throw new Error('missing YAML frontmatter between --- lines');
	return { data: parseYaml(match[1] ?? ''), body: markdown.slice(match[0].length) };
}

describe('docs/chatgpt', () => {
	const files = markdownFiles(DOCS);

	it('has the README, instructions, starters and the four skills', () => {
		const names = files.map(rel).sort();
		expect(names).toEqual(
			[
				'docs/chatgpt/README.md',
				'docs/chatgpt/conversation-starters.md',
				'docs/chatgpt/instructions.md',
				...SKILLS.map((s) => `docs/chatgpt/skills/${s}/SKILL.md`),
			].sort(),
		);
	});

	it.each(files.map((f) => [rel(f), f]))('%s names only operations that exist', (_name, file) => {
		const text = read(file);
		const named = new Set(text.match(OPERATION_LIKE) ?? []);
		const unknown = [...named].filter((id) => !operationIds.has(id));
		expect(unknown, `unknown operationIds in ${rel(file)}`).toEqual([]);
	});

	it('names the core tutoring operations in the instructions', () => {
		const { body } = instructionsParts();
		const named = new Set(body.match(OPERATION_LIKE) ?? []);
		for (const id of [
			'searchContent',
			'getChapterContent',
			'startQuiz',
			'submitQuiz',
			'getProgress',
			'getStreak',
			'recordCheckin',
			'checkAccess',
		]) {
			expect(named.has(id), `instructions.md should name ${id}`).toBe(true);
		}
	});

	it('forbids the GPT every administrator-only operation', () => {
		const { body } = instructionsParts();
		const rule = body.split('\n').find((line) => line.includes('Never call')) ?? '';
		const adminOnly = operations.filter((op) => op.auth === 'admin').map((op) => op.operationId);
		expect(adminOnly.length).toBeGreaterThan(0);
		for (const id of [...adminOnly, 'login', 'register', 'changePassword', 'billingWebhook']) {
			expect(operationIds.has(id), `${id} is not an operation any more`).toBe(true);
			expect(rule, `the "Never call" rule should list ${id}`).toMatch(new RegExp(`\\b${id}\\b`));
		}
	});
});

describe('instructions.md (the template) and the instructions built from it', () => {
	const { body } = instructionsParts();
	const template = read(path.join(DOCS, 'instructions.md'));

	it(`fits the GPT editor's ${INSTRUCTIONS_LIMIT.toLocaleString('en')}-character field for any course, even with a long origin`, () => {
		const count = (placeholder: string) => body.split(placeholder).length - 1;
		expect(count('{ORIGIN}')).toBeGreaterThan(0);
		for (const placeholder of ['{COURSE_TITLE}', '{COURSE_OUTLINE}', '{FREE_CHAPTERS}']) expect(count(placeholder), placeholder).toBe(1);
		const worst =
			[...body].length +
			count('{ORIGIN}') * (LONGEST_ORIGIN - '{ORIGIN}'.length) +
			(MAX_TITLE_CHARS - '{COURSE_TITLE}'.length) +
			(MAX_OUTLINE_CHARS - '{COURSE_OUTLINE}'.length) +
			(MAX_FREE_CHARS - '{FREE_CHAPTERS}'.length);
		expect(worst).toBeLessThanOrEqual(GPT_INSTRUCTIONS_LIMIT);
		expect(GPT_INSTRUCTIONS_LIMIT).toBe(INSTRUCTIONS_LIMIT);
	});

	it('names the built course, its chapters and its free split, with nothing left to fill in', async () => {
		const course = await compileCourse(path.join(ROOT, 'tests/fixtures/courses/sourdough'));
		const text = renderInstructions(template, { title: course.course.title, chapters: course.chapters }, 'https://bake.example.org');
		expect(text).not.toMatch(/\{[A-Z_]+\}/);
		expect(text).toContain(`the course "${course.course.title}": 6 chapters: ${course.chapters[0]?.title};`);
		expect(text).toContain('Chapters 1-2 are free; the others need a paid tier.');
		expect(text).toContain('https://bake.example.org/chapters/');
		expect([...text].length).toBeLessThanOrEqual(INSTRUCTIONS_LIMIT);
	});

	it('caps a course whose titles would not fit', () => {
		const chapters = Array.from({ length: 200 }, (_, i) => ({
			title: `A rather long chapter title number ${i + 1}`,
			tier: i < 3 ? 'free' : 'premium',
		}));
		const text = renderInstructions(template, { title: 'T'.repeat(500), chapters }, 'https://course-companion.example.com');
		expect([...text].length).toBeLessThanOrEqual(INSTRUCTIONS_LIMIT);
		expect(text).toContain('Chapters 1-3 are free; the others need a paid tier.');
		expect(text).toContain('…');
	});

	it('says which chapters are free when they are not the first ones', () => {
		expect(
			freeChaptersSentence([
				{ title: 'a', tier: 'premium' },
				{ title: 'b', tier: 'free' },
			]),
		).toBe('Chapter 2 is free; the others need a paid tier.');
		expect(freeChaptersSentence([{ title: 'a', tier: 'free' }])).toBe('Every chapter is free.');
		expect(freeChaptersSentence([{ title: 'a', tier: 'pro' }])).toBe('Every chapter needs a paid tier.');
	});
});

describe.each(SKILLS)('skills/%s/SKILL.md', (skill) => {
	const file = path.join(DOCS, 'skills', skill, 'SKILL.md');
	const { data, body } = frontmatter(read(file));
	const meta = data as Record<string, unknown>;

	it('has Agent Skills frontmatter: a name matching its folder and a description of when to use it', () => {
		expect(typeof meta).toBe('object');
		expect(meta.name).toBe(skill);
		expect(String(meta.name)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
		expect(String(meta.name).length).toBeLessThanOrEqual(64);
		expect(typeof meta.description).toBe('string');
		const description = String(meta.description);
		expect(description.length).toBeGreaterThan(50);
		expect(description.length).toBeLessThanOrEqual(1024);
		expect(description).toMatch(/\bUse when\b/);
	});

	it('has sections for triggers, workflow, operations, templates and do/don’t rules', () => {
		const headings = [...sections(body).keys()];
		for (const pattern of [/^When it triggers$/, /^Workflow$/, /^Operations$/, /^Response templates$/, /^Do$/, /^Don't$/]) {
			expect(
				headings.some((h) => pattern.test(h)),
				`missing "## ${pattern.source}"`,
			).toBe(true);
		}
	});

	it('lists real operationIds in its Operations table', () => {
		const table = sections(body).get('Operations') ?? '';
		const listed = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1] as string);
		expect(listed.length).toBeGreaterThan(0);
		expect(listed.filter((id) => !operationIds.has(id))).toEqual([]);
		const workflow = sections(body).get('Workflow') ?? '';
		for (const id of listed) expect(workflow, `the workflow should say when to call ${id}`).toContain(id);
	});

	it('gives concrete markdown response templates with placeholders', () => {
		const templates = sections(body).get('Response templates') ?? '';
		const blocks = [...templates.matchAll(/```markdown\n([\s\S]*?)```/g)].map((m) => m[1] as string);
		expect(blocks.length).toBeGreaterThanOrEqual(3);
		for (const block of blocks) expect(block).toMatch(/\{\{[^}]+\}\}/);
	});
});

describe('README.md', () => {
	const readme = read(path.join(DOCS, 'README.md'));
	const origin = 'https://learn.example.com';
	const doc = buildOpenApiDocument(operations, origin);
	const flow = doc.components.securitySchemes.oauth2.flows.authorizationCode;

	it('gives the OAuth settings the OpenAPI document declares', () => {
		expect(readme).toContain(`| Authorization URL | \`${flow.authorizationUrl}\` |`);
		expect(readme).toContain(`| Token URL | \`${flow.tokenUrl}\` |`);
		const scopes = Object.keys(OAUTH_SCOPES);
		expect(scopes).toEqual(['course']);
		expect(readme).toMatch(/\| Scope \| `course`/);
		expect(readme).toContain(`${origin}/openapi.json`);
	});

	it('points at routes that exist', () => {
		expect(existsSync(path.join(ROOT, 'src/pages/openapi.json.ts'))).toBe(true);
		expect(existsSync(path.join(ROOT, 'src/pages/privacy.astro'))).toBe(true);
		expect(readme).toContain(`${origin}/privacy`);
	});

	it("lists exactly the GPT profile's operations, in the document's order, and points at the profile", () => {
		const profile = buildOpenApiDocument(operations, origin, 'gpt');
		const inDocument = Object.values(profile.paths).flatMap((item) =>
			Object.values(item).map((op) => (op as { operationId: string }).operationId),
		);
		const kept = gptOperations(operations).map((op) => op.operationId);
		expect(inDocument.toSorted()).toEqual(kept.toSorted());
		const sentence = /The GPT profile has (\d+) operations: ([^.]+)\./.exec(readme.replace(/\s+/g, ' '));
		expect(sentence, 'the README should say "The GPT profile has N operations: …."').not.toBeNull();
		const listed = [...(sentence?.[2] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
		expect(Number(sentence?.[1])).toBe(kept.length);
		expect(listed).toEqual(kept);
		expect(operations.filter((op) => kept.includes(op.operationId) && op.auth === 'admin')).toEqual([]);
		expect(readme).toContain(`${origin}/openapi.json?profile=gpt`);
		// Every operation the GPT may be told to confirm (or not) is in the profile.
		const consequential = /`startQuiz`, `submitQuiz`, `submitReview`, `updateProgress`, `recordCheckin` and `updateMe` are `false`/.test(
			readme.replace(/\s+/g, ' '),
		);
		expect(consequential).toBe(true);
		const writes = gptOperations(operations).filter((op) => op.method !== 'GET');
		expect(writes.map((op) => op.operationId).toSorted()).toEqual([
			'recordCheckin',
			'startQuiz',
			'submitQuiz',
			'submitReview',
			'updateMe',
			'updateProgress',
		]);
		expect(writes.filter((op) => op.consequential !== false)).toEqual([]);
	});

	it("describes the MCP app's tools as the GPT profile without updateMe", () => {
		expect(readme).toMatch(/the GPT profile's operations without `updateMe`/);
		const kept = gptOperations(operations)
			.map((op) => op.operationId)
			.filter((id) => id !== 'updateMe');
		expect(MCP_TOOLS.map((t) => t.op.operationId)).toEqual(kept);
	});

	it('relies on summaries and descriptions within ChatGPT’s 300-character limit', () => {
		const tooLong = operations.filter((op) => op.summary.length > 300 || op.description.length > 300).map((op) => op.operationId);
		expect(tooLong).toEqual([]);
	});
});

describe('conversation-starters.md', () => {
	it('offers four to six starters', () => {
		const text = read(path.join(DOCS, 'conversation-starters.md'));
		const starters = text.match(/^\d+\. .+$/gm) ?? [];
		expect(starters.length).toBeGreaterThanOrEqual(4);
		expect(starters.length).toBeLessThanOrEqual(6);
	});
});
