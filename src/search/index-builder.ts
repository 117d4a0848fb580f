/**
 * Builds the server-side section search index. It covers premium sections too, so it is
 * written only into the private artifact, never next to the public site.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CompiledChapter, CompiledCourse } from '../content/compile.ts';
import type { Section } from '../content/schemas.ts';
import { commonEnglishWords } from './english-words.ts';
import {
	encodeSearchIndex,
	type PackedPostings,
	type Passages,
	passageList,
	SEARCH_INDEX_FILE,
	SEARCH_INDEX_VERSION,
} from './index-file.ts';
import { PostingsBuilder } from './postings-builder.ts';
import { typoBudget } from './spelling.ts';
import { analyze, isStopWord, phraseVariants, stripMarkdown, tokenize } from './text.ts';

/** Indexed fields, in the order their term frequencies appear in a posting. */
export const SEARCH_FIELDS = ['title', 'heading', 'parent', 'keywords', 'summary', 'body', 'children'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
/**
 * Fields whose text belongs to this section alone. The others repeat text found elsewhere
 * (chapter title, keywords and summary in every section; parent heading; subsection text),
 * so document frequency, which measures how specific a word is, counts only these.
 */
export const OWN_FIELDS: readonly SearchField[] = ['heading', 'body'];

/** Passages are cut at a paragraph boundary so they stay readable; this is the ceiling. */
export const MAX_PASSAGE_CHARS = 1_500;
/** A section this short (a ## that only introduces its ###s) borrows its subsections' text for the passage. */
const THIN_SECTION_CHARS = 300;
/**
 * Headings of sections that introduce, recap or point elsewhere instead of teaching one thing: they touch
 * every topic of the chapter, so they rank below the section that treats it. Authors add their own
 * (course.yaml `search.boilerplate_headings`).
 */
const BOILERPLATE_HEADING =
	/^(?:key (?:takeaways?|points|ideas|concepts|terms)|takeaways?|summary|chapter summary|recap|wrap[- ]?up|conclusions?|in summary|review|introduction|intro|overview|learning (?:goals|objectives|outcomes)|objectives|goals|what you(?:'|’)?ll learn|what you will learn|before you (?:begin|start)|prerequisites|further reading|additional resources|resources|references|see also|next steps|what(?:'|’)?s next|exercises|glossary)$/i;

export interface SearchDoc {
	chapterId: string;
	chapterTitle: string;
	/** Docs are stored by chapter order, then section position, so equal scores keep reading order. */
	chapterOrder: number;
	position: number;
	heading: string;
	/** The enclosing heading: the ## of a ### section, the ### of a #### section. */
	parentHeading?: string;
	/** 1 = introduction, 2 = ##, 3 = ###, 4 = ####. */
	depth: number;
	/** Fragment id on the chapter page; '' for the introduction. */
	anchor: string;
	/** A chapter introduction or a closing recap: it touches every topic, so it ranks below the specific section. */
	overview?: true;
	tier: string;
	/** Token count per field, in SEARCH_FIELDS order. */
	lengths: number[];
}

export interface SearchIndexData {
	version: typeof SEARCH_INDEX_VERSION;
	fields: SearchField[];
	docs: SearchDoc[];
	/** Per doc, the markdown shown to readers who may open the chapter, at most MAX_PASSAGE_CHARS. */
	passages: Passages;
	/** Mean token count per field over all docs, in SEARCH_FIELDS order. */
	avgLengths: number[];
	/** The course's own words as written (lowercase, letters only, at least 3 long): what a typo is corrected to. */
	words: string[];
	/**
	 * Common English words the course does not use, long enough to be corrected (english-words.ts): a query word
	 * among them is corrected only into a course word with the same consonants in the same order (spelling.ts).
	 */
	englishWords: string[];
	/** The author's synonyms (course.yaml): a query span's stems joined by PHRASE_JOINER → the other ways to say it, as stem lists. */
	synonyms: Record<string, string[][]>;
	/**
	 * Term → the docs containing it, ascending, with the term's frequency in each field (index-file.ts). A term
	 * is a stem ("agent") or two adjacent stems joined by PHRASE_JOINER ("context window").
	 */
	postings: PackedPostings;
}

/** One section as it appears on the page: the parts of a long section are merged back together. */
interface MergedSection {
	heading: string;
	depth: number;
	anchor: string;
	markdown: string;
}

function mergeParts(sections: Section[]): MergedSection[] {
	const merged: MergedSection[] = [];
	for (const s of sections) {
		const last = merged[merged.length - 1];
		if (s.part !== undefined && s.part > 1 && last && last.anchor === s.anchor && last.heading === s.heading) {
			last.markdown = `${last.markdown}\n\n${s.markdown}`;
		} else {
			merged.push({ heading: s.heading, depth: s.depth, anchor: s.anchor, markdown: s.markdown });
		}
	}
	return merged;
}

const FENCE_OPEN = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** Paragraphs of `markdown`, with each fenced code block kept whole as one block. */
function markdownBlocks(markdown: string): string[] {
	const blocks: string[] = [];
	let current: string[] = [];
	let fence: string | null = null;
	const flush = (): void => {
		if (current.some((l) => l.trim() !== '')) blocks.push(current.join('\n').trim());
		current = [];
	};
	for (const line of markdown.split('\n')) {
		const marker = FENCE_OPEN.exec(line)?.[1];
		if (fence === null && marker) {
			flush();
			fence = marker;
			current.push(line);
		} else if (fence !== null) {
			current.push(line);
			if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
				fence = null;
				flush();
			}
		} else if (line.trim() === '') flush();
		else current.push(line);
	}
	flush();
	return blocks;
}

/** `text`'s first `end` UTF-16 units, one fewer when the cut would split a character outside the BMP in two. */
function cutAt(text: string, end: number): string {
	const last = text.charCodeAt(end - 1);
	return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/**
 * The first blocks of `markdown` that fit in `max` characters, so a passage ends at a paragraph
 * boundary. A code block that does not fit is cut at a line and closed, so the passage never
 * leaves a fence open; a first paragraph that alone is too long is cut at a word, with "…".
 */
export function cutPassage(markdown: string, max = MAX_PASSAGE_CHARS): string {
	const text = markdown.trim();
	if (text.length <= max) return text;
	let out = '';
	for (const block of markdownBlocks(text)) {
		const sep = out ? '\n\n' : '';
		if (out.length + sep.length + block.length <= max) {
			out += sep + block;
			continue;
		}
		const room = max - out.length - sep.length;
		const lines = block.split('\n');
		const marker = FENCE_OPEN.exec(lines[0] ?? '')?.[1];
		if (marker && room >= 200) {
			const closing = `${marker}`;
			const kept: string[] = [lines[0] as string];
			let size = (lines[0] as string).length + 1 + closing.length;
			for (const line of lines.slice(1, -1)) {
				if (size + line.length + 1 > room - 4) break;
				kept.push(line);
				size += line.length + 1;
			}
			out += `${sep}${kept.join('\n')}\n…\n${closing}`;
		} else if (!out && !marker) {
			const head = cutAt(block, max - 1);
			out = `${cutAt(head, Math.max(head.lastIndexOf(' '), Math.floor(max / 2))).trimEnd()}…`;
		}
		break;
	}
	return out;
}

/** Own text, plus following deeper subsections when the section alone is only an introduction. */
function passageFor(sections: MergedSection[], index: number): string {
	const own = sections[index] as MergedSection;
	if (own.markdown.length >= THIN_SECTION_CHARS || own.depth !== 2) return cutPassage(own.markdown);
	let text = own.markdown;
	for (let i = index + 1; i < sections.length; i++) {
		const child = sections[i] as MergedSection;
		if (child.depth <= own.depth) break;
		const block = `${'#'.repeat(child.depth)} ${child.heading}\n\n${child.markdown}`;
		const candidate = text ? `${text}\n\n${block}` : block;
		if (candidate.length > MAX_PASSAGE_CHARS && text) break;
		text = candidate;
	}
	return cutPassage(text);
}

/** Headings and text of the ### subsections under a ## section: a ## is about everything beneath it. */
function childText(sections: MergedSection[], index: number): string {
	const out: string[] = [];
	for (let i = index + 1; i < sections.length; i++) {
		const child = sections[i] as MergedSection;
		if (child.depth <= 2) break;
		out.push(child.heading, stripMarkdown(child.markdown));
	}
	return out.join('\n\n');
}

/** Separates the two stems of a phrase term; no stem contains a space, so phrases never collide with words. */
export const PHRASE_JOINER = ' ';

/**
 * Term counts of one field: stems, plus adjacent-stem pairs within a line ("context window",
 * "prompt injection") so a query that keeps a phrase together beats one that merely shares its
 * words. `length` counts stems only.
 */
function countTerms(text: string): { counts: Map<string, number>; length: number } {
	const counts = new Map<string, number>();
	const add = (term: string): void => {
		counts.set(term, (counts.get(term) ?? 0) + 1);
	};
	const stems = analyze(text);
	for (const term of stems) add(term);
	for (const line of text.split('\n')) {
		const plain = analyze(line, { joined: false });
		for (let i = 1; i < plain.length; i++) add(`${plain[i - 1]}${PHRASE_JOINER}${plain[i]}`);
	}
	return { counts, length: stems.length };
}

function docsForChapter(
	chapter: CompiledChapter,
	boilerplate: (heading: string) => boolean,
): { doc: Omit<SearchDoc, 'lengths'>; passage: string; fields: string[] }[] {
	const sections = mergeParts(chapter.sections);
	// The enclosing heading of each level: a ### sits under its ##, a #### under its ###.
	const open: string[] = [];
	return sections.map((s, index) => {
		open.length = Math.max(0, s.depth - 2);
		const parentHeading = s.depth >= 3 ? open[s.depth - 3] : undefined;
		if (s.depth >= 2) open[s.depth - 2] = s.heading;
		const fieldText: Record<SearchField, string> = {
			title: chapter.title,
			// The introduction's "heading" is the chapter title, already in `title`; counting it twice would make every intro win.
			heading: s.depth === 1 ? '' : s.heading,
			parent: parentHeading ?? '',
			keywords: chapter.keywords.join('\n'),
			summary: chapter.summary,
			body: stripMarkdown(s.markdown),
			children: s.depth === 2 ? childText(sections, index) : '',
		};
		return {
			doc: {
				chapterId: chapter.id,
				chapterTitle: chapter.title,
				chapterOrder: chapter.order,
				position: index,
				heading: s.heading,
				...(parentHeading ? { parentHeading } : {}),
				depth: s.depth,
				anchor: s.anchor,
				...(s.depth === 1 || boilerplate(s.heading) ? { overview: true as const } : {}),
				tier: chapter.tier,
			},
			passage: passageFor(sections, index),
			fields: SEARCH_FIELDS.map((f) => fieldText[f]),
		};
	});
}

function normalHeading(heading: string): string {
	return heading.trim().replace(/’/g, "'").toLowerCase();
}

/** Synonym groups analysed like the index: each member's stems (joined by PHRASE_JOINER) → the other members' stem lists. */
function analyseSynonyms(groups: readonly (readonly string[])[]): Record<string, string[][]> {
	const map = new Map<string, string[][]>();
	for (const group of groups) {
		const members = group.map(phraseVariants);
		members.forEach((variants, i) => {
			const others = members.filter((_, j) => j !== i).flat();
			for (const variant of variants) {
				const key = variant.join(PHRASE_JOINER);
				if (key) map.set(key, [...(map.get(key) ?? []), ...others]);
			}
		});
	}
	return Object.fromEntries([...map.keys()].sort().map((k) => [k, map.get(k) as string[][]]));
}

/** Pure: the same course always yields the same (byte-identical once serialised) index. */
export function buildSearchIndexData(compiled: CompiledCourse): SearchIndexData {
	const chapters = [...compiled.chapters].sort((a, b) => a.order - b.order);
	const docs: SearchDoc[] = [];
	const passages: string[] = [];
	const postings = new PostingsBuilder(SEARCH_FIELDS.length);
	const tfs = new Array<number>(SEARCH_FIELDS.length);
	const totals = SEARCH_FIELDS.map(() => 0);
	const own = new Set(compiled.search.boilerplate_headings.map(normalHeading));
	const boilerplate = (heading: string) => BOILERPLATE_HEADING.test(normalHeading(heading)) || own.has(normalHeading(heading));
	const words = new Set<string>();
	const childrenField = SEARCH_FIELDS.indexOf('children');
	for (const chapter of chapters) {
		// Title, keywords and summary repeat in every section of a chapter: each distinct text is analysed once.
		const analysedTexts = new Map<string, ReturnType<typeof countTerms>>();
		const analyse = (text: string) => {
			let found = analysedTexts.get(text);
			if (!found) {
				found = countTerms(text);
				analysedTexts.set(text, found);
			}
			return found;
		};
		const spelled = new Set<string>();
		for (const { doc, passage, fields } of docsForChapter(chapter, boilerplate)) {
			fields.forEach((text, field) => {
				// A ## section's `children` text is its subsections' headings and bodies, whose words their own docs give.
				if (field === childrenField || spelled.has(text)) return;
				spelled.add(text);
				for (const word of tokenize(text, { joined: false })) if (/^\p{L}{3,}$/u.test(word)) words.add(word);
			});
			const docIndex = docs.length;
			const analysed = fields.map(analyse);
			const counts = analysed.map((a) => a.counts);
			const lengths = analysed.map((a) => a.length);
			lengths.forEach((n, i) => {
				totals[i] = (totals[i] ?? 0) + n;
			});
			docs.push({ ...doc, lengths });
			passages.push(passage);
			const terms = new Set(counts.flatMap((c) => [...c.keys()]));
			for (const term of terms) {
				counts.forEach((c, field) => {
					tfs[field] = c.get(term) ?? 0;
				});
				postings.add(term, docIndex, tfs);
			}
		}
	}
	return {
		version: SEARCH_INDEX_VERSION,
		fields: [...SEARCH_FIELDS],
		docs,
		passages: passageList(passages),
		words: [...words].filter((w) => !isStopWord(w)).sort(),
		englishWords: [...commonEnglishWords()].filter((w) => typoBudget(w.length) > 0 && !words.has(w)).sort(),
		synonyms: analyseSynonyms(compiled.search.synonyms),
		avgLengths: totals.map((t) => (docs.length ? t / docs.length : 0)),
		postings: postings.build(docs.length),
	};
}

/** Writes `<privateDir>/search-index.bin` (index-file.ts); returns the index so the caller can log its size. */
export async function buildSearchIndex(compiled: CompiledCourse, privateDir: string): Promise<SearchIndexData> {
	const data = buildSearchIndexData(compiled);
	await writeSearchIndex(encodeSearchIndex(data), privateDir);
	return data;
}

/** Writes an index encoded by encodeSearchIndex, so a caller that also searches it encodes it once. */
export async function writeSearchIndex(encoded: Uint8Array, privateDir: string): Promise<void> {
	await mkdir(privateDir, { recursive: true });
	await writeFile(path.join(privateDir, SEARCH_INDEX_FILE), encoded);
}
