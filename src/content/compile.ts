/**
 * Reads `content/`, validates every file and the rules that span files, and compiles the course:
 * rendered chapter HTML, sections, and quizzes with their answer keys. Pure of output I/O:
 * `emit.ts` decides what becomes public and what stays private.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyedQuestion, QuizKey } from '../domain/grading.ts';
import { requiredTierForChapter } from '../domain/access.ts';
import type { Tier } from '../domain/tiers.ts';
import { type ContentIssue, ContentValidationError } from './errors.ts';
import { countWords, renderMarkdown, splitLongText, splitSections, topLevelHeadingLines } from './markdown.ts';
import {
	type ChapterFrontmatter,
	type CoursePublic,
	chapterFrontmatterSchema,
	courseFileSchema,
	type QuizFile,
	quizFileSchema,
	type Section,
} from './schemas.ts';
import { parseYaml, validateYaml } from './yaml-source.ts';

export interface CompiledChapter extends ChapterFrontmatter {
	tier: Tier;
	file: string;
	previous: string | null;
	next: string | null;
	words: number;
	readingMinutes: number;
	html: string;
	headings: { depth: number; anchor: string; text: string }[];
	sections: Section[];
	hasQuiz: boolean;
}

export interface CompiledQuiz extends QuizKey {
	tier: Tier;
	file: string;
}

export interface CompiledCourse {
	course: CoursePublic;
	chapters: CompiledChapter[];
	quizzes: CompiledQuiz[];
}

/** Sections longer than this are paged so every JSON response stays far below ChatGPT's 100,000-character limit. */
export const MAX_SECTION_CHARS = 12_000;
const WORDS_PER_MINUTE = 220;

interface ParsedChapter {
	file: string;
	front: ChapterFrontmatter;
	body: string;
	bodyLine: number;
	lineOf: (p: readonly PropertyKey[]) => number | undefined;
}

interface ParsedQuiz {
	file: string;
	quiz: QuizFile;
	lineOf: (p: readonly PropertyKey[]) => number | undefined;
}

/**
 * Compiles the course in `contentDir`. Collects every problem before failing, so an author
 * sees them all at once; throws ContentValidationError when there is any.
 */
export async function compileCourse(contentDir: string, rootDir = process.cwd()): Promise<CompiledCourse> {
	const issues: ContentIssue[] = [];
	const rel = (p: string) => path.relative(rootDir, p) || p;

	// course.yaml
	const courseFile = rel(path.join(contentDir, 'course.yaml'));
	const courseText = await readFile(path.join(contentDir, 'course.yaml'), 'utf8').catch(() => null);
	if (courseText === null) {
		throw new ContentValidationError([{ file: courseFile, field: '', message: 'the course file is missing' }]);
	}
	const courseResult = validateYaml(parseYaml(courseText, courseFile), courseFileSchema, courseFile);
	issues.push(...courseResult.issues);
	const course = courseResult.value;

	// chapters
	const chapters: ParsedChapter[] = [];
	// Ids of chapters whose frontmatter is invalid: already reported, so quizzes and links that name them are not reported again.
	const invalidChapterIds = new Set<string>();
	const chapterDir = path.join(contentDir, 'chapters');
	for (const name of await listFiles(chapterDir, '.md')) {
		const file = rel(path.join(chapterDir, name));
		const text = (await readFile(path.join(chapterDir, name), 'utf8')).replace(/\r\n/g, '\n');
		const match = /^---\n([\s\S]*?)\n---\n?/.exec(text);
		if (!match) {
			issues.push({ file, field: 'frontmatter', line: 1, message: 'expected YAML frontmatter between --- lines at the top' });
			continue;
		}
		const frontText = match[1] ?? '';
		const source = parseYaml(frontText, file, 1);
		const result = validateYaml(source, chapterFrontmatterSchema, file);
		issues.push(...result.issues);
		const bodyLine = frontText.split('\n').length + 3;
		const body = text.slice(match[0].length);
		for (const line of topLevelHeadingLines(body)) {
			issues.push({
				file,
				field: 'body',
				line: bodyLine + line - 1,
				message: 'use ## and ### for sections; the chapter title (# level) comes from the frontmatter',
			});
		}
		if (result.value) chapters.push({ file, front: result.value, body, bodyLine, lineOf: source.lineOf });
		else {
			const id = /^id:\s*([a-z0-9-]+)\s*(?:#.*)?$/m.exec(frontText)?.[1];
			if (id) invalidChapterIds.add(id);
		}
	}
	if (chapters.length === 0 && issues.length === 0) {
		issues.push({ file: rel(chapterDir), field: '', message: 'no chapters found (expected *.md files)' });
	}
	reportDuplicates(chapters, (c) => c.front.id, 'id', 'chapter id', issues);
	reportDuplicates(chapters, (c) => c.front.order, 'order', 'chapter order', issues);
	chapters.sort((a, b) => a.front.order - b.front.order);

	// quizzes
	const quizzes: ParsedQuiz[] = [];
	const quizDir = path.join(contentDir, 'quizzes');
	for (const name of await listFiles(quizDir, '.yaml', '.yml')) {
		const file = rel(path.join(quizDir, name));
		const source = parseYaml(await readFile(path.join(quizDir, name), 'utf8'), file);
		const result = validateYaml(source, quizFileSchema, file);
		issues.push(...result.issues);
		if (result.value) {
			quizzes.push({ file, quiz: result.value, lineOf: source.lineOf });
			issues.push(...checkQuizRules(result.value, file, source.lineOf));
		}
	}
	const chapterIds = new Set(chapters.map((c) => c.front.id));
	for (const q of quizzes) {
		if (!chapterIds.has(q.quiz.chapter) && !invalidChapterIds.has(q.quiz.chapter)) {
			issues.push({
				file: q.file,
				field: 'chapter',
				line: q.lineOf(['chapter']),
				message: `no chapter has id "${q.quiz.chapter}"; expected one of: ${[...chapterIds].join(', ')}`,
			});
		}
	}
	reportDuplicates(quizzes, (q) => q.quiz.chapter, 'chapter', 'quiz for chapter', issues);

	// Render every chapter, then check internal links against the real anchors.
	const rendered = await Promise.all(chapters.map((c) => renderChapter(c, issues)));
	const anchors = new Map(rendered.map((r) => [r.id, new Set(r.headings.map((h) => h.anchor))]));
	const linkTargets: LinkTargets = { anchors, quizzes: new Set(quizzes.map((q) => q.quiz.chapter)), invalidChapterIds };
	for (const chapter of chapters) issues.push(...checkLinks(chapter, linkTargets));

	if (issues.length > 0 || !course) throw new ContentValidationError(issues);

	const quizByChapter = new Map(quizzes.map((q) => [q.quiz.chapter, q]));
	const compiledChapters: CompiledChapter[] = chapters.map((c, i) => {
		const r = rendered[i] as RenderedChapter;
		const words = countWords(c.body);
		return {
			...c.front,
			tier: requiredTierForChapter(c.front, course.free_chapters),
			file: c.file,
			previous: chapters[i - 1]?.front.id ?? null,
			next: chapters[i + 1]?.front.id ?? null,
			words,
			readingMinutes: Math.max(1, Math.ceil(words / WORDS_PER_MINUTE)),
			html: r.html,
			headings: r.headings,
			sections: r.sections,
			hasQuiz: quizByChapter.has(c.front.id),
		};
	});
	const compiledQuizzes: CompiledQuiz[] = compiledChapters.flatMap((ch) => {
		const q = quizByChapter.get(ch.id);
		return q ? [toQuizKey(q, ch, course.pass_mark)] : [];
	});

	return {
		course: {
			id: course.id,
			title: course.title,
			description: course.description,
			audience: course.audience,
			language: course.language,
			freeChapters: course.free_chapters,
			passMark: course.pass_mark,
			tiers: course.tiers.map((t) => ({
				id: t.id,
				name: t.name,
				priceMonthly: t.price_monthly,
				includes: t.includes,
				quizAttemptsPerDay: t.quiz_attempts_per_day,
				streakFreezesPerMonth: t.streak_freezes_per_month,
			})),
			chapterCount: compiledChapters.length,
			totalMinutes: compiledChapters.reduce((sum, c) => sum + c.minutes, 0),
		},
		chapters: compiledChapters,
		quizzes: compiledQuizzes,
	};
}

async function listFiles(dir: string, ...extensions: string[]): Promise<string[]> {
	const names = await readdir(dir).catch(() => [] as string[]);
	return names.filter((n) => extensions.some((e) => n.endsWith(e)) && !n.startsWith('.')).sort();
}

function reportDuplicates<T extends { file: string; lineOf: (p: readonly PropertyKey[]) => number | undefined }>(
	items: T[],
	key: (item: T) => string | number,
	field: string,
	label: string,
	issues: ContentIssue[],
): void {
	const seen = new Map<string | number, T>();
	for (const item of items) {
		const value = key(item);
		const first = seen.get(value);
		if (first) {
			issues.push({
				file: item.file,
				field,
				line: item.lineOf([field]),
				message: `duplicate ${label} "${value}": already used by ${first.file}; each must be unique`,
			});
		} else {
			seen.set(value, item);
		}
	}
}

/** Rules zod cannot express on one question: correct-option counts and unique ids. */
export function checkQuizRules(quiz: QuizFile, file: string, lineOf: (p: readonly PropertyKey[]) => number | undefined): ContentIssue[] {
	const issues: ContentIssue[] = [];
	const questionIds = new Set<string>();
	quiz.questions.forEach((question, qi) => {
		const at = (...rest: PropertyKey[]) => ({ field: fieldOf(['questions', qi, ...rest]), line: lineOf(['questions', qi, ...rest]) });
		if (questionIds.has(question.id)) {
			issues.push({ file, ...at('id'), message: `duplicate question id "${question.id}"; ids must be unique within a quiz` });
		}
		questionIds.add(question.id);
		if (question.type === 'true_false') return;
		const optionIds = new Set<string>();
		question.options.forEach((option, oi) => {
			if (optionIds.has(option.id)) {
				issues.push({ file, ...at('options', oi, 'id'), message: `duplicate option id "${option.id}" in question "${question.id}"` });
			}
			optionIds.add(option.id);
		});
		const correct = question.options.filter((o) => o.correct).length;
		if (question.type === 'single' && correct !== 1) {
			issues.push({
				file,
				...at('options'),
				message: `a "single" question needs exactly one option with "correct: true"; question "${question.id}" has ${correct}`,
			});
		}
		if (question.type === 'multiple' && correct === 0) {
			issues.push({
				file,
				...at('options'),
				message: `a "multiple" question needs at least one option with "correct: true"; question "${question.id}" has none`,
			});
		}
	});
	return issues;
}

function fieldOf(p: PropertyKey[]): string {
	return p.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)), '');
}

interface RenderedChapter {
	id: string;
	html: string;
	headings: { depth: number; anchor: string; text: string }[];
	sections: Section[];
}

async function renderChapter(chapter: ParsedChapter, issues: ContentIssue[]): Promise<RenderedChapter> {
	const { html, headings } = await renderMarkdown(chapter.body);
	const sectionHeadings = headings.filter((h) => h.depth === 2 || h.depth === 3);
	const raw = splitSections(chapter.body);
	const titled = raw.filter((s) => s.depth !== 1);
	if (titled.length !== sectionHeadings.length) {
		issues.push({
			file: chapter.file,
			field: 'body',
			message: `found ${titled.length} ## / ### headings in the text but ${sectionHeadings.length} after rendering; check for headings inside HTML blocks`,
		});
	}
	let h = 0;
	const sections: Section[] = raw.flatMap((s) => {
		const heading = s.depth === 1 ? { text: chapter.front.title, slug: '' } : sectionHeadings[h++];
		const parts = splitLongText(s.markdown, MAX_SECTION_CHARS);
		return parts.map((markdown, i) => ({
			heading: heading?.text ?? s.heading,
			depth: s.depth,
			anchor: heading?.slug ?? '',
			markdown,
			...(parts.length > 1 ? { part: i + 1 } : {}),
		}));
	});
	return {
		id: chapter.front.id,
		html,
		headings: headings.map((x) => ({ depth: x.depth, anchor: x.slug, text: x.text })),
		sections,
	};
}

const INTERNAL_LINK = /\]\((\/[^)\s]*)(?:\s+"[^"]*")?\)/g;

/** What internal links may point to: chapter anchors by chapter id, chapters that have a quiz, and chapters already reported invalid. */
interface LinkTargets {
	anchors: Map<string, Set<string>>;
	quizzes: Set<string>;
	invalidChapterIds: Set<string>;
}

function checkLinks(chapter: ParsedChapter, targets: LinkTargets): ContentIssue[] {
	const issues: ContentIssue[] = [];
	chapter.body.split('\n').forEach((lineText, index) => {
		for (const match of lineText.matchAll(INTERNAL_LINK)) {
			const href = match[1] ?? '';
			const problem = internalLinkProblem(href, targets);
			if (problem) {
				issues.push({ file: chapter.file, field: 'body', line: chapter.bodyLine + index, message: `broken link ${href}: ${problem}` });
			}
		}
	});
	return issues;
}

const SITE_PATHS = new Set(['/', '/search', '/quizzes', '/privacy', '/dashboard', '/account', '/login', '/register']);

function internalLinkProblem(href: string, { anchors, quizzes, invalidChapterIds }: LinkTargets): string | null {
	const [pathPart = '', hash] = href.split('#');
	const trimmed = pathPart.replace(/\/$/, '') || '/';
	const chapterMatch = /^\/(chapters|quizzes)\/([^/]+)$/.exec(trimmed);
	if (!chapterMatch) {
		return SITE_PATHS.has(trimmed) ? null : 'internal links must point to /chapters/<id> or /quizzes/<id>';
	}
	const id = chapterMatch[2] ?? '';
	const targetAnchors = anchors.get(id);
	if (!targetAnchors) return invalidChapterIds.has(id) ? null : `no chapter has id "${id}"`;
	if (chapterMatch[1] === 'quizzes' && !quizzes.has(id)) return `chapter "${id}" has no quiz`;
	if (hash !== undefined && chapterMatch[1] === 'chapters' && !targetAnchors.has(hash)) {
		const hint = [...targetAnchors].slice(0, 8).join(', ');
		return `chapter "${id}" has no heading with anchor "#${hash}"; its anchors include: ${hint}`;
	}
	return null;
}

function toQuizKey(parsed: ParsedQuiz, chapter: CompiledChapter, defaultPassMark: number): CompiledQuiz {
	const questions: KeyedQuestion[] = parsed.quiz.questions.map((q) => {
		if (q.type === 'true_false') {
			const feedback: Record<string, string> = {};
			if (q.feedback?.true) feedback.true = q.feedback.true;
			if (q.feedback?.false) feedback.false = q.feedback.false;
			return {
				id: q.id,
				type: q.type,
				prompt: q.prompt,
				options: [
					{ id: 'true', text: 'True' },
					{ id: 'false', text: 'False' },
				],
				correct: [String(q.answer)],
				explanation: q.explanation,
				feedback,
			};
		}
		return {
			id: q.id,
			type: q.type,
			prompt: q.prompt,
			options: q.options.map((o) => ({ id: o.id, text: o.text })),
			correct: q.options.filter((o) => o.correct).map((o) => o.id),
			explanation: q.explanation,
			feedback: Object.fromEntries(q.options.filter((o) => o.feedback).map((o) => [o.id, o.feedback as string])),
		};
	});
	return {
		id: chapter.id,
		chapterId: chapter.id,
		title: parsed.quiz.title ?? `${chapter.title} quiz`,
		passMark: parsed.quiz.pass_mark ?? defaultPassMark,
		questions,
		tier: chapter.tier,
		file: parsed.file,
	};
}
