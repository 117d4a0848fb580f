/**
 * `npm run new -- chapter <id>` and `npm run new -- quiz <chapter-id>`: writes a valid, commented file
 * into the course (content/, or CONTENT_DIR) and says what to do next.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTENT_DIR } from '../src/content/course.ts';
import { chapterFileName, chapterTemplate, nextOrder, quizTemplate, SLUG } from '../src/content/scaffold.ts';

const USAGE = 'usage: npm run new -- chapter <id>   |   npm run new -- quiz <chapter-id>';
const [kind, id] = process.argv.slice(2);

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

/** id and order of every chapter, read from frontmatter lines (the check validates the rest). */
function existingChapters(dir: string): { name: string; id?: string; order?: number }[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const file = entry.isDirectory()
			? ['index.md', 'README.md'].map((n) => path.join(dir, entry.name, n)).find(existsSync)
			: entry.name.endsWith('.md')
				? path.join(dir, entry.name)
				: undefined;
		if (!file) return [];
		const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'))?.[1] ?? '';
		const chapterId = /^id:\s*([a-z0-9-]+)/m.exec(front)?.[1];
		const order = /^order:\s*(-?\d+)/m.exec(front)?.[1];
		return [{ name: entry.name, id: chapterId, order: order === undefined ? undefined : Number(order) }];
	});
}

if (!kind || !id || !['chapter', 'quiz'].includes(kind)) fail(USAGE);
if (!SLUG.test(id)) fail(`"${id}" is not a valid id: use lowercase letters, digits and single hyphens, e.g. "proofing-basics".`);

const chapterDir = path.join(CONTENT_DIR, 'chapters');
const chapters = existingChapters(chapterDir);
const rel = (p: string) => path.relative(process.cwd(), p);

if (kind === 'chapter') {
	if (chapters.some((c) => c.id === id)) fail(`A chapter with id "${id}" already exists.`);
	const order = nextOrder(chapters.flatMap((c) => (c.order === undefined ? [] : [c.order])));
	const file = path.join(
		chapterDir,
		chapterFileName(
			order,
			id,
			chapters.map((c) => c.name),
		),
	);
	mkdirSync(chapterDir, { recursive: true });
	writeFileSync(file, chapterTemplate(id, order), { flag: 'wx' });
	console.log(`Created ${rel(file)} (order ${order}). Write the chapter, then run \`npm run check\`.`);
	console.log(`Add a quiz with \`npm run new -- quiz ${id}\`.`);
} else {
	if (!chapters.some((c) => c.id === id)) {
		fail(`No chapter has id "${id}". Chapters: ${chapters.flatMap((c) => (c.id ? [c.id] : [])).join(', ') || '(none yet)'}.`);
	}
	const quizDir = path.join(CONTENT_DIR, 'quizzes');
	const file = path.join(quizDir, `${id}.yaml`);
	if (existsSync(file) || existsSync(path.join(quizDir, `${id}.yml`))) fail(`${rel(file)} already exists.`);
	mkdirSync(quizDir, { recursive: true });
	writeFileSync(file, quizTemplate(id), { flag: 'wx' });
	console.log(`Created ${rel(file)}. Write the questions, then run \`npm run check\`.`);
}
