/**
 * Reads `content/`, validates every file and the rules that span files, and compiles the course:
 * rendered chapter HTML, sections, assets, and quizzes with their answer keys. Pure of output I/O:
 * `emit.ts` decides what becomes public and what stays private.
 *
 * Every problem is collected in one pass, cross-file rules included: a chapter whose frontmatter is
 * invalid still has its body, links and images checked, and still counts for duplicate ids and orders.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { requiredTierForChapter } from '../domain/access.ts';
import { type KeyedQuestion, type MultipleScoring, normalizeShortAnswer, type QuizKey, WRITTEN_FEEDBACK } from '../domain/grading.ts';
import type { Tier } from '../domain/tiers.ts';
import { AssetCollector, type CourseAsset, LARGE_ASSET_BYTES } from './assets.ts';
import { chapterPublic, quizPublic } from './emit.ts';
import { type ContentIssue, ContentValidationError, fieldPath } from './errors.ts';
import { countWords, type Heading, renderMarkdown, splitLongText, splitSections, topLevelHeadingLines } from './markdown.ts';
import { SECTION_DEPTHS } from './markdown/headings.ts';
import { courseParts } from './parts.ts';
import { ReferenceResolver } from './references.ts';
import { didYouMean } from './suggest.ts';
import {
	type ChapterFrontmatter,
	type CourseFile,
	type CoursePublic,
	type CourseSearchSettings,
	chapterFrontmatterSchema,
	courseFileSchema,
	type QuizFile,
	quizFileSchema,
	type Section,
} from './schemas.ts';
import { SITE_ORIGIN } from './site-origin.ts';
import { checkTierClaims } from './tier-claims.ts';
import { checkoutUrl } from './urls.ts';
import { parseYaml, validateYaml } from './yaml-source.ts';

export interface CompiledChapter extends ChapterFrontmatter {
	/** 1-based reading position: what pages show as the chapter number and what the free split counts. */
	position: number;
	tier: Tier;
	file: string;
	previous: string | null;
	next: string | null;
	words: number;
	readingMinutes: number;
	html: string;
	headings: Heading[];
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
	/** Images and files the chapters reference, published under /assets/. */
	assets: CourseAsset[];
	/** Problems that do not stop the build (large images, unknown code-block options). */
	warnings: ContentIssue[];
	/** The author's search settings (course.yaml `search:`), for the index builder. */
	search: CourseSearchSettings;
	/** Each paid tier's checkout page at the provider (course.yaml `checkout_url`): the server sends learners there. */
	checkout: Partial<Record<Tier, string>>;
}

export interface CompileOptions {
	/** Paths in messages are relative to this directory. */
	rootDir?: string;
	/** Absolute URLs in the JSON and search passages start with this origin. */
	origin?: string;
}

/** ChatGPT Actions refuse responses of 100,000 characters or more. */
export const MAX_JSON_CHARS = 100_000;
/** Sections longer than this are paged so every JSON response stays far below ChatGPT's 100,000-character limit. */
export const MAX_SECTION_CHARS = 12_000;
const WORDS_PER_MINUTE = 220;
/** The files a folder chapter (`chapters/30-shaping/`) may use, as GitHub shows them. */
const FOLDER_CHAPTER_FILES = ['index.md', 'README.md'];

interface ChapterSource {
	file: string;
	/** Absolute path of the markdown file. */
	absPath: string;
	/** The folder of a folder chapter (so `../30-shaping/` links resolve to it). */
	folder?: string;
	/** Valid frontmatter, or null when it has problems (already reported). */
	front: ChapterFrontmatter | null;
	/** What the frontmatter says even when invalid, for cross-file rules. */
	id?: string;
	order?: number;
	body: string;
	bodyLine: number;
	lineOf: (p: readonly PropertyKey[]) => number | undefined;
}

interface ParsedQuiz {
	file: string;
	absPath: string;
	quiz: QuizFile;
	lineOf: (p: readonly PropertyKey[]) => number | undefined;
}

/**
 * Compiles the course in `contentDir`. Collects every problem before failing, so an author
 * sees them all at once; throws ContentValidationError when there is any.
 */
export async function compileCourse(contentDir: string, options: CompileOptions | string = {}): Promise<CompiledCourse> {
	const { rootDir = process.cwd(), origin = SITE_ORIGIN } = typeof options === 'string' ? { rootDir: options } : options;
	const issues: ContentIssue[] = [];
	const warnings: ContentIssue[] = [];
	const rel = (p: string) => path.relative(rootDir, p) || p;
	const absContent = path.resolve(contentDir);

	// course.yaml
	const courseFile = rel(path.join(absContent, 'course.yaml'));
	const courseText = await readFile(path.join(absContent, 'course.yaml'), 'utf8').catch(() => null);
	if (courseText === null) {
		throw new ContentValidationError([{ file: courseFile, field: '', message: 'the course file is missing' }]);
	}
	const courseSource = parseYaml(courseText, courseFile);
	const courseResult = validateYaml(courseSource, courseFileSchema, courseFile);
	issues.push(...courseResult.issues);
	const course = courseResult.value;

	// chapters
	const chapterDir = path.join(absContent, 'chapters');
	const sources: ChapterSource[] = [];
	for (const found of await findChapterFiles(chapterDir, rel, issues)) {
		const source = await readChapter(found.absPath, rel(found.absPath), found.folder, issues);
		if (source) sources.push(source);
	}
	if (sources.length === 0 && !existsSync(chapterDir)) {
		issues.push({
			file: rel(chapterDir),
			field: '',
			message: 'no chapters found: create chapters/NN-<id>.md files (npm run new -- chapter <id>)',
		});
	} else if (sources.length === 0 && issues.length === 0) {
		issues.push({ file: rel(chapterDir), field: '', message: 'no chapters found (expected *.md files or folders with index.md)' });
	}
	reportDuplicates(sources, (c) => c.id, 'id', 'chapter id', issues);
	reportDuplicates(sources, (c) => c.order, 'order', 'chapter order', issues);

	// quizzes
	const quizzes: ParsedQuiz[] = [];
	const invalidQuizFiles = new Set<string>();
	const quizDir = path.join(absContent, 'quizzes');
	for (const name of await listFiles(quizDir, '.yaml', '.yml')) {
		const absPath = path.join(quizDir, name);
		const file = rel(absPath);
		const source = parseYaml(await readFile(absPath, 'utf8'), file);
		const result = validateYaml(source, quizFileSchema, file);
		issues.push(...result.issues);
		if (result.value) {
			quizzes.push({ file, absPath, quiz: result.value, lineOf: source.lineOf });
			issues.push(...checkQuizRules(result.value, file, source.lineOf));
		} else {
			invalidQuizFiles.add(absPath);
		}
	}
	const chapterIds = new Set(sources.flatMap((c) => (c.id ? [c.id] : [])));
	for (const q of quizzes) {
		if (!chapterIds.has(q.quiz.chapter)) {
			issues.push({
				file: q.file,
				field: 'chapter',
				line: q.lineOf(['chapter']),
				message: `no chapter has id "${q.quiz.chapter}"; expected one of: ${[...chapterIds].join(', ')}`,
			});
		}
	}
	reportDuplicates(quizzes, (q) => q.quiz.chapter, 'chapter', 'quiz for chapter', issues);

	// Render every chapter (valid or not), resolving links and images; then check anchors against real headings.
	const assets = new AssetCollector(rootDir);
	const chapterByPath = new Map<string, string>();
	for (const s of sources) {
		if (!s.id) continue;
		chapterByPath.set(s.absPath, s.id);
		if (s.folder) chapterByPath.set(s.folder, s.id);
	}
	const resolver = new ReferenceResolver({
		contentDir: absContent,
		rootDir,
		origin,
		chapterByPath,
		quizByPath: new Map(quizzes.map((q) => [q.absPath, q.quiz.chapter])),
		invalidQuizFiles,
		quizzes: new Set(quizzes.map((q) => q.quiz.chapter)),
		assets,
	});
	const rendered = await Promise.all(sources.map((s) => renderChapter(s, resolver, issues, warnings)));
	const anchors = new Map<string, Set<string>>();
	sources.forEach((s, i) => {
		if (s.id) anchors.set(s.id, new Set((rendered[i] as RenderedChapter).headings.map((h) => h.anchor)));
	});
	resolver.checkAnchors(anchors, issues);
	for (const q of quizzes) {
		const known = anchors.get(q.quiz.chapter);
		if (!known) continue;
		q.quiz.questions.forEach((question, qi) => {
			if (question.section === undefined || known.has(question.section)) return;
			issues.push({
				file: q.file,
				field: fieldPath(['questions', qi, 'section']),
				line: q.lineOf(['questions', qi, 'section']),
				message: `chapter "${q.quiz.chapter}" has no section "${question.section}"${didYouMean(question.section, known)}; use the anchor of one of its headings`,
			});
		});
	}
	const assetList = await assets.list();
	for (const asset of assetList) {
		if (asset.bytes.length > LARGE_ASSET_BYTES) {
			warnings.push({
				file: asset.source,
				field: '',
				severity: 'warning',
				message: `is ${(asset.bytes.length / 1024 / 1024).toFixed(1)} MB after processing; learners on phones download all of it (compress it or use a smaller export)`,
			});
		}
	}

	if (!course) throw new ContentValidationError(sortIssues(issues), warnings);

	// Reading order is by `order`. Problems above do not stop here: the valid chapters and quizzes still get
	// the checks that need a compiled course (tier claims, JSON sizes), so one run reports every problem.
	const ordered = sources
		.map((s, i) => ({ source: s, front: s.front, rendered: rendered[i] as RenderedChapter }))
		.filter((c): c is { source: ChapterSource; front: ChapterFrontmatter; rendered: RenderedChapter } => c.front !== null)
		.sort((a, b) => a.front.order - b.front.order);
	const quizByChapter = new Map(quizzes.map((q) => [q.quiz.chapter, q]));
	const compiledChapters: CompiledChapter[] = ordered.map(({ source, front, rendered: r }, i) => {
		const words = countWords(source.body);
		const position = i + 1;
		return {
			...front,
			position,
			tier: requiredTierForChapter({ position, tier: front.tier }, course.free_chapters),
			file: source.file,
			previous: ordered[i - 1]?.front.id ?? null,
			next: ordered[i + 1]?.front.id ?? null,
			words,
			readingMinutes: Math.max(1, Math.ceil(words / WORDS_PER_MINUTE)),
			html: r.html,
			headings: r.headings,
			sections: r.sections,
			hasQuiz: quizByChapter.has(front.id),
		};
	});
	const compiledQuizzes: CompiledQuiz[] = compiledChapters.flatMap((ch) => {
		const q = quizByChapter.get(ch.id);
		return q ? [toQuizKey(q, ch, course)] : [];
	});
	// What the build would refuse: a static JSON file ChatGPT cannot read. Chapters page themselves; a quiz cannot.
	const oversize = [
		...compiledChapters.map((c) => ({
			file: c.file,
			chars: JSON.stringify(chapterPublic(c, true)).length,
			what: 'chapter metadata and first page of text',
			fix: 'the text is paged by section, but the objectives, keywords and headings are not: shorten them, or split the chapter in two',
		})),
		...compiledQuizzes.map((q) => ({
			file: q.file,
			chars: JSON.stringify(quizPublic(q)).length,
			what: 'quiz',
			fix: 'a quiz is one response: use fewer or shorter questions and options, or split the chapter and its quiz in two',
		})),
	].filter((f) => f.chars >= MAX_JSON_CHARS);
	for (const p of checkTierClaims(
		course.tiers,
		compiledChapters.map((c) => c.tier),
	)) {
		const at = ['tiers', p.tier, 'includes', p.line];
		const issue = { file: courseFile, field: fieldPath(at), line: courseSource.lineOf(at), message: p.message };
		if (p.severity) warnings.push({ ...issue, severity: p.severity });
		else issues.push(issue);
	}
	const { parts, problems: partProblems } = courseParts(
		course.parts,
		compiledChapters.map((c) => c.id),
	);
	for (const p of partProblems) {
		const at = ['parts', p.index, 'from'];
		issues.push({ file: courseFile, field: fieldPath(at), line: courseSource.lineOf(at), message: p.message });
	}
	for (const f of oversize) {
		issues.push({
			file: f.file,
			field: '',
			message: `the ${f.what} is ${f.chars} characters as JSON; ChatGPT reads at most ${MAX_JSON_CHARS - 1} characters in one response: ${f.fix}`,
		});
	}
	if (issues.length > 0) throw new ContentValidationError(sortIssues(issues), warnings);

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
				seats: t.seats ?? null,
				checkoutUrl: t.checkout_url ? checkoutUrl(t.id) : null,
			})),
			chapterCount: compiledChapters.length,
			totalMinutes: compiledChapters.reduce((sum, c) => sum + c.minutes, 0),
			parts,
		},
		chapters: compiledChapters,
		quizzes: compiledQuizzes,
		assets: assetList,
		warnings,
		search: course.search,
		checkout: Object.fromEntries(course.tiers.flatMap((t) => (t.checkout_url ? [[t.id, t.checkout_url]] : []))),
	};
}

/** `chapters/NN-id.md` files and `chapters/NN-id/` folders holding index.md or README.md. */
async function findChapterFiles(
	chapterDir: string,
	rel: (p: string) => string,
	issues: ContentIssue[],
): Promise<{ absPath: string; folder?: string }[]> {
	const entries = await readdir(chapterDir, { withFileTypes: true }).catch(() => []);
	const found: { absPath: string; folder?: string }[] = [];
	for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
		if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
		const full = path.join(chapterDir, entry.name);
		if (entry.isFile() && entry.name.endsWith('.md')) found.push({ absPath: full });
		else if (entry.isDirectory()) {
			const present = FOLDER_CHAPTER_FILES.filter((n) => existsSync(path.join(full, n)));
			if (present.length === 1) found.push({ absPath: path.join(full, present[0] as string), folder: full });
			else if (present.length > 1) {
				issues.push({ file: rel(full), field: '', message: 'a chapter folder holds either index.md or README.md, not both' });
			}
			// A folder without either is an asset folder (images shared by chapters): nothing to compile.
		}
	}
	return found;
}

async function readChapter(
	absPath: string,
	file: string,
	folder: string | undefined,
	issues: ContentIssue[],
): Promise<ChapterSource | null> {
	const text = (await readFile(absPath, 'utf8')).replace(/\r\n/g, '\n');
	const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
	if (!match) {
		issues.push({
			file,
			field: 'frontmatter',
			line: 1,
			message: 'expected YAML frontmatter between --- lines at the top (npm run new -- chapter <id> writes a template)',
		});
		return null;
	}
	const frontText = match[1] ?? '';
	const source = parseYaml(frontText, file, 1);
	const result = validateYaml(source, chapterFrontmatterSchema, file);
	issues.push(...result.issues);
	const raw = (source.data ?? {}) as { id?: unknown; order?: unknown };
	const bodyLine = frontText.split('\n').length + 3;
	const body = text.slice(match[0].length);
	for (const line of topLevelHeadingLines(body)) {
		issues.push({
			file,
			field: 'body',
			line: bodyLine + line - 1,
			message: 'use ##, ### and #### for sections; the chapter title (# level) comes from the frontmatter',
		});
	}
	// Even unparseable YAML names its chapter, so quizzes and links that point to it are not reported again.
	const rawId = typeof raw.id === 'string' ? raw.id : /^id:\s*([a-z0-9-]+)\s*(?:#.*)?$/m.exec(frontText)?.[1];
	const rawOrder = typeof raw.order === 'number' ? raw.order : Number(/^order:\s*(-?\d+)\s*(?:#.*)?$/m.exec(frontText)?.[1] ?? Number.NaN);
	const id = result.value?.id ?? (rawId && /^[a-z0-9-]+$/.test(rawId) ? rawId : undefined);
	const order = result.value?.order ?? (Number.isInteger(rawOrder) ? rawOrder : undefined);
	return { file, absPath, ...(folder ? { folder } : {}), front: result.value ?? null, id, order, body, bodyLine, lineOf: source.lineOf };
}

/** By file, then line: the order an author works through them. */
function sortIssues(issues: ContentIssue[]): ContentIssue[] {
	return [...issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}

async function listFiles(dir: string, ...extensions: string[]): Promise<string[]> {
	const names = await readdir(dir).catch(() => [] as string[]);
	return names.filter((n) => extensions.some((e) => n.endsWith(e)) && !n.startsWith('.')).sort();
}

function reportDuplicates<T extends { file: string; lineOf: (p: readonly PropertyKey[]) => number | undefined }>(
	items: T[],
	key: (item: T) => string | number | undefined,
	field: string,
	label: string,
	issues: ContentIssue[],
): void {
	const seen = new Map<string | number, T>();
	for (const item of items) {
		const value = key(item);
		if (value === undefined) continue;
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
	if (quiz.draw !== undefined && quiz.draw > quiz.questions.length) {
		issues.push({
			file,
			field: 'draw',
			line: lineOf(['draw']),
			message: `draw: ${quiz.draw} asks more questions than the quiz has (${quiz.questions.length}); add questions or draw at most ${quiz.questions.length}`,
		});
	}
	quiz.questions.forEach((question, qi) => {
		const at = (...rest: PropertyKey[]) => ({ field: fieldPath(['questions', qi, ...rest]), line: lineOf(['questions', qi, ...rest]) });
		if (questionIds.has(question.id)) {
			issues.push({ file, ...at('id'), message: `duplicate question id "${question.id}"; ids must be unique within a quiz` });
		}
		questionIds.add(question.id);
		if (question.type === 'short') {
			question.accept.forEach((text, ai) => {
				if (normalizeShortAnswer(text) === '') {
					issues.push({
						file,
						...at('accept', ai),
						message: `accepted answer "${text}" has no letters or digits; answers are compared without case, spaces and punctuation, so it could never match`,
					});
				}
			});
			return;
		}
		if (question.type === 'true_false' || question.type === 'numeric') return;
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

interface RenderedChapter {
	html: string;
	headings: Heading[];
	sections: Section[];
}

async function renderChapter(
	chapter: ChapterSource,
	resolver: ReferenceResolver,
	issues: ContentIssue[],
	warnings: ContentIssue[],
): Promise<RenderedChapter> {
	const resolve = resolver.forChapter(chapter.file, chapter.bodyLine, chapter.id, issues);
	const { html, headings, absoluteSource, problems } = await renderMarkdown(chapter.body, resolve);
	for (const p of problems) {
		const issue: ContentIssue = {
			file: chapter.file,
			field: 'body',
			line: p.line === undefined ? undefined : chapter.bodyLine + p.line - 1,
			message: p.message,
			...(p.severity ? { severity: p.severity } : {}),
		};
		(p.severity === 'warning' ? warnings : issues).push(issue);
	}
	const sectionHeadings = headings.filter((h) => (SECTION_DEPTHS as readonly number[]).includes(h.depth));
	// Sections carry absolute URLs: they are read outside the site (JSON for ChatGPT, search passages).
	const raw = splitSections(absoluteSource);
	const titled = raw.filter((s) => s.depth !== 1);
	if (titled.length !== sectionHeadings.length) {
		issues.push({
			file: chapter.file,
			field: 'body',
			message: `found ${titled.length} ##–#### headings in the text but ${sectionHeadings.length} after rendering; check for headings inside HTML blocks or asides`,
		});
	}
	let h = 0;
	const title = chapter.front?.title ?? '';
	const sections: Section[] = raw.flatMap((s) => {
		const heading = s.depth === 1 ? { text: title, anchor: '' } : sectionHeadings[h++];
		const parts = splitLongText(s.markdown, MAX_SECTION_CHARS);
		return parts.map((markdown, i) => ({
			heading: heading?.text ?? s.heading,
			depth: s.depth,
			anchor: heading?.anchor ?? '',
			markdown,
			...(parts.length > 1 ? { part: i + 1 } : {}),
		}));
	});
	return { html, headings, sections };
}

function toQuizKey(parsed: ParsedQuiz, chapter: CompiledChapter, course: CourseFile): CompiledQuiz {
	const teaches = (anchor: string | undefined) => {
		const heading = anchor === undefined ? undefined : chapter.headings.find((h) => h.anchor === anchor);
		return heading ? { teaches: { anchor: heading.anchor, heading: heading.text } } : {};
	};
	const quiz = parsed.quiz;
	const shuffleDefault = quiz.shuffle_options ?? course.quiz_shuffle_options ?? false;
	const multipleScoring: MultipleScoring = quiz.multiple_scoring ?? course.quiz_multiple_scoring ?? 'all_or_nothing';
	const questions: KeyedQuestion[] = quiz.questions.map((q) => {
		const base = { id: q.id, type: q.type, prompt: q.prompt, explanation: q.explanation, ...teaches(q.section) };
		if (q.type === 'true_false') {
			const feedback: Record<string, string> = {};
			if (q.feedback?.true) feedback.true = q.feedback.true;
			if (q.feedback?.false) feedback.false = q.feedback.false;
			return {
				...base,
				options: [
					{ id: 'true', text: 'True' },
					{ id: 'false', text: 'False' },
				],
				correct: [String(q.answer)],
				feedback,
			};
		}
		// Written answers keep their feedback for a wrong answer under WRITTEN_FEEDBACK: grading shows it on a miss.
		const written: Record<string, string> =
			q.type === 'short' || q.type === 'numeric' ? (q.feedback ? { [WRITTEN_FEEDBACK]: q.feedback } : {}) : {};
		if (q.type === 'short') {
			return { ...base, options: [], correct: [], accept: q.accept, feedback: written };
		}
		if (q.type === 'numeric') {
			return { ...base, options: [], correct: [], answer: q.answer, tolerance: q.tolerance, feedback: written };
		}
		const shuffle = q.shuffle_options ?? shuffleDefault;
		return {
			...base,
			options: q.options.map((o) => ({ id: o.id, text: o.text })),
			correct: q.options.filter((o) => o.correct).map((o) => o.id),
			...(shuffle ? { shuffle: true } : {}),
			feedback: Object.fromEntries(q.options.filter((o) => o.feedback).map((o) => [o.id, o.feedback as string])),
		};
	});
	const reveal = quiz.reveal ?? course.quiz_reveal;
	return {
		id: chapter.id,
		chapterId: chapter.id,
		title: quiz.title ?? `${chapter.title} quiz`,
		passMark: quiz.pass_mark ?? course.pass_mark,
		...(reveal ? { reveal } : {}),
		...(quiz.draw !== undefined && quiz.draw < quiz.questions.length ? { draw: quiz.draw } : {}),
		...(multipleScoring === 'partial' ? { multipleScoring } : {}),
		questions,
		tier: chapter.tier,
		file: parsed.file,
	};
}
