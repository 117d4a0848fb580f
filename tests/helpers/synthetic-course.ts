/**
 * A deterministic synthetic course of any size, for the scale tests and `npm run bench:build`: chapters of
 * about `words` words (headings, paragraphs, lists, code, an aside), a quiz each, the first chapters free and
 * every fifth later chapter premium-only by default, parts declared in course.yaml every `partSize` chapters.
 * The same arguments always write the same bytes. Plain Node (type stripping) can import it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SyntheticCourseOptions {
	chapters: number;
	/** Words of body per chapter (approximately). */
	words?: number;
	/** Chapters per part in course.yaml (0: no parts). */
	partSize?: number;
	freeChapters?: number;
	seed?: number;
}

const NOUNS =
	'kernel buffer socket thread queue cache index shard replica packet frame stream cursor lease token schema ledger journal snapshot checkpoint barrier mutex channel router gateway pipeline scheduler allocator compiler parser lexer module bundle manifest registry vault cluster partition segment watermark offset quorum heartbeat'.split(
		' ',
	);
const VERBS =
	'allocates flushes compacts replays retries batches throttles serialises validates merges splits rebalances drains evicts pins caches streams indexes hashes signs verifies rotates shards replicates'.split(
		' ',
	);
const ADJECTIVES =
	'durable lazy eager bounded idle stale fresh sparse dense ordered atomic partial transient persistent volatile cold warm hot remote local nested flat'.split(
		' ',
	);
const FILLER = 'the a of to and in that when each every before after while because so then which its this'.split(' ');

/** Mulberry32: a small seeded generator, enough for reproducible text. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function pad(n: number, width = 4): string {
	return String(n).padStart(width, '0');
}

/** The chapter id of reading position `n` (1-based). */
export function syntheticChapterId(n: number): string {
	return `topic-${pad(n)}`;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
	return list[Math.floor(rnd() * list.length)] as T;
}

function sentence(rnd: () => number, topic: string): string {
	const n = 8 + Math.floor(rnd() * 10);
	const words: string[] = [];
	for (let i = 0; i < n; i++) {
		const r = rnd();
		words.push(
			r < 0.35 ? pick(rnd, FILLER) : r < 0.6 ? pick(rnd, NOUNS) : r < 0.8 ? pick(rnd, VERBS) : r < 0.95 ? pick(rnd, ADJECTIVES) : topic,
		);
	}
	const text = words.join(' ');
	return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraph(rnd: () => number, topic: string, sentences: number): string {
	return Array.from({ length: sentences }, () => sentence(rnd, topic)).join(' ');
}

function countWords(text: string): number {
	return text.split(/\s+/).filter(Boolean).length;
}

function chapterBody(rnd: () => number, n: number, topic: string, targetWords: number): string {
	const blocks: string[] = [paragraph(rnd, topic, 4)];
	let words = countWords(blocks[0] as string);
	let section = 0;
	while (words < targetWords) {
		section++;
		const heading = `${pick(rnd, ADJECTIVES)} ${pick(rnd, NOUNS)} ${section}`;
		const part: string[] = [`## ${heading.charAt(0).toUpperCase()}${heading.slice(1)}`, paragraph(rnd, topic, 5), paragraph(rnd, topic, 4)];
		part.push(`### How the ${pick(rnd, NOUNS)} ${pick(rnd, VERBS)}`, paragraph(rnd, topic, 3));
		part.push(Array.from({ length: 4 }, () => `- ${sentence(rnd, topic)}`).join('\n'));
		if (section % 2 === 1) {
			const name = `${pick(rnd, NOUNS)}${section}`;
			part.push(
				[
					'```ts',
					`export function ${name}(input: string[]): number {`,
					`\t// ${sentence(rnd, topic)}`,
					'\treturn input.length;',
					'}',
					'```',
				].join('\n'),
			);
		}
		if (section === 2) part.push(`:::tip\n${sentence(rnd, topic)}\n:::`);
		const text = part.join('\n\n');
		words += countWords(text);
		blocks.push(text);
	}
	if (n > 1) blocks.push(`See also [the previous chapter](${pad(n - 1)}-${syntheticChapterId(n - 1)}.md).`);
	return blocks.join('\n\n');
}

function quizYaml(rnd: () => number, id: string, topic: string): string {
	const q = (text: string) => JSON.stringify(text);
	return [
		`chapter: ${id}`,
		`title: ${q(`Check: ${topic}`)}`,
		'questions:',
		'  - id: what-it-does',
		'    type: single',
		`    prompt: ${q(`What does the ${topic} ${pick(rnd, NOUNS)} do first?`)}`,
		'    options:',
		'      - id: right',
		`        text: ${q(sentence(rnd, topic))}`,
		'        correct: true',
		'      - id: wrong',
		`        text: ${q(sentence(rnd, topic))}`,
		`        feedback: ${q(sentence(rnd, topic))}`,
		'      - id: other',
		`        text: ${q(sentence(rnd, topic))}`,
		`    explanation: ${q(paragraph(rnd, topic, 2))}`,
		'  - id: true-or-false',
		'    type: true_false',
		`    prompt: ${q(sentence(rnd, topic))}`,
		`    answer: ${rnd() < 0.5}`,
		`    explanation: ${q(sentence(rnd, topic))}`,
		'  - id: which-apply',
		'    type: multiple',
		`    prompt: ${q(`Which statements about the ${topic} hold? (Select all that apply.)`)}`,
		'    options:',
		'      - id: one',
		`        text: ${q(sentence(rnd, topic))}`,
		'        correct: true',
		'      - id: two',
		`        text: ${q(sentence(rnd, topic))}`,
		'        correct: true',
		'      - id: three',
		`        text: ${q(sentence(rnd, topic))}`,
		`    explanation: ${q(sentence(rnd, topic))}`,
		'',
	].join('\n');
}

/** Writes the course into `dir` (emptied first); returns the chapter ids in reading order. */
export function writeSyntheticCourse(dir: string, options: SyntheticCourseOptions): string[] {
	const { chapters: count, words = 1500, partSize = 50, freeChapters = 3, seed = 1 } = options;
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(path.join(dir, 'chapters'), { recursive: true });
	mkdirSync(path.join(dir, 'quizzes'), { recursive: true });
	const ids: string[] = [];
	const parts: string[] = [];
	for (let n = 1; n <= count; n++) {
		const rnd = random(seed * 100_003 + n);
		const id = syntheticChapterId(n);
		ids.push(id);
		const topic = `${pick(rnd, ADJECTIVES)} ${pick(rnd, NOUNS)} ${n}`;
		const title = `The ${topic}`;
		// Past the free chapters the course's split makes chapters premium; every fifth is pinned to pro.
		const tier = n > freeChapters && n % 5 === 0 ? '\ntier: pro' : '';
		const front = [
			'---',
			`id: ${id}`,
			`title: ${JSON.stringify(title)}`,
			`order: ${n * 10}`,
			`difficulty: ${pick(rnd, ['beginner', 'intermediate', 'advanced'])}`,
			`minutes: ${8 + Math.floor(rnd() * 12)}`,
			`summary: ${JSON.stringify(`${sentence(rnd, topic)} ${sentence(rnd, topic)}`.slice(0, 300))}`,
			'objectives:',
			`  - ${JSON.stringify(sentence(rnd, topic))}`,
			`  - ${JSON.stringify(sentence(rnd, topic))}`,
			`keywords: [${JSON.stringify(pick(rnd, NOUNS))}, ${JSON.stringify(pick(rnd, VERBS))}]${tier}`,
			'---',
			'',
		].join('\n');
		writeFileSync(path.join(dir, 'chapters', `${pad(n)}-${id}.md`), `${front}${chapterBody(rnd, n, topic, words)}\n`);
		writeFileSync(path.join(dir, 'quizzes', `${id}.yaml`), quizYaml(rnd, id, topic));
		if (partSize > 0 && (n - 1) % partSize === 0) {
			parts.push(`  - title: ${JSON.stringify(`Part ${parts.length + 1}`)}\n    from: ${id}`);
		}
	}
	const course = [
		'id: synthetic-scale',
		'title: Synthetic Systems Course',
		`description: A generated course of ${count} chapters for measuring builds at scale.`,
		'audience: Nobody in particular; the text is generated.',
		'language: en',
		`free_chapters: ${freeChapters}`,
		'pass_mark: 70',
		...(parts.length > 0 ? ['parts:', ...parts] : []),
		'tiers:',
		'  - id: free',
		'    name: Free',
		'    price_monthly: 0',
		'    includes: [The first chapters]',
		'    quiz_attempts_per_day: 3',
		'  - id: premium',
		'    name: Premium',
		'    price_monthly: 9',
		'    includes: [Most chapters]',
		'  - id: pro',
		'    name: Pro',
		'    price_monthly: 19',
		'    includes: [Every chapter]',
		'',
	].join('\n');
	writeFileSync(path.join(dir, 'course.yaml'), course);
	return ids;
}
