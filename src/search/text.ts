/**
 * Text analysis shared by the index builder and the searcher. Both sides must run the same
 * pipeline (markdown → plain text → tokens → stop words out → stems) or terms never meet.
 */
import { stem } from './stemmer.ts';

export { stem } from './stemmer.ts';

/**
 * Common English function words plus question filler ("how", "should", "difference").
 * Kept short on purpose: words such as "use", "call", "run", "first" or "stop" carry meaning
 * in this course and must stay searchable.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
	`a about actually after again all also am an and any are arent as at be because been before being
	between both but by can cant could couldnt did didnt difference differences do does doesnt doing
	done dont during each eg either else etc even ever every few for from further get gets getting got
	had hadnt has hasnt have havent having he her here hers him his how however i ie if im in into is
	isnt it its itself ive just let like many me might more most much must my myself no nor not now of
	off often on once one ones only or other our ours out over own please quite rather really same she
	should shouldnt so some such than that thats the their theirs them then there these they this those
	through thus to too under until up upon us very via was wasnt we were werent what whats when where
	whether which while who whom whose why will with wont would wouldnt yet you your youre yours
	yourself vs versus`.split(/\s+/),
);

/** Fenced-code marker lines (```python, ~~~); the code inside them stays, identifiers and all. */
const FENCE_LINE = /^[ \t]{0,3}(?:`{3,}|~{3,})[^\n]*$/gm;

/**
 * Markdown → plain text for indexing: drops fence markers, HTML tags, link and image targets,
 * bare URLs and emphasis/heading/list/table punctuation, but keeps every word, including code.
 */
export function stripMarkdown(markdown: string): string {
	return (
		markdown
			.replace(FENCE_LINE, '')
			.replace(/<!--[\s\S]*?-->/g, ' ')
			.replace(/<\/?[A-Za-z][^>]*>/g, ' ')
			.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
			.replace(/!?\[([^\]]*)\]\[[^\]]*\]/g, '$1')
			.replace(/^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$/gm, '')
			.replace(/\bhttps?:\/\/[^\s)>\]]+/g, ' ')
			.replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
			// Aside fences (`:::tip[Title]`, `:::`) keep only their title.
			.replace(/^[ \t]*:::[a-z]*(?:\[([^\]]*)\])?[ \t]*$/gm, '$1')
			.replace(/^[ \t]*>[ \t]?/gm, '')
			.replace(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+/gm, '')
			.replace(/^[ \t|:-]*-{3,}[ \t|:-]*$/gm, '')
			.replace(/[`*|]+/g, ' ')
			.replace(/[ \t]+/g, ' ')
			.replace(/\n{3,}/g, '\n\n')
			.trim()
	);
}

/**
 * A word, or a compound of words joined by - _ . @ ^ ' with no spaces ("json-rpc", "tool_use",
 * "SKILL.md", "pass@k", "don't"). Letters and digits in any script.
 */
const WORD = /[\p{L}\p{N}]+(?:[-_.@^'][\p{L}\p{N}]+)*/gu;

export interface TokenizeOptions {
	/** Also emit a compound's parts glued together ("json-rpc" → "jsonrpc"); default true. */
	joined?: boolean;
}

/**
 * The words of `text`, each as its lowercase parts: "JSON-RPC" → ["json", "rpc"], "agent's" →
 * ["agent"], "don't" → ["dont"]. Accents are folded; letters and digits of any script count.
 */
export function splitWords(text: string): string[][] {
	// Most of a course's text is plain ASCII and skips the folding.
	const folded = ASCII.test(text)
		? text
		: text
				.normalize('NFKD')
				.replace(/\p{M}+/gu, '')
				.replace(/[\u2018\u2019\u02bc]/g, "'");
	const words: string[][] = [];
	for (const match of folded.toLowerCase().matchAll(WORD)) {
		const word = match[0];
		if (!WORD_JOINER.test(word)) {
			words.push([word]);
			continue;
		}
		const parts = word
			.replace(/'s(?=$|[-_.@^])/g, '')
			.replace(/'/g, '')
			.split(/[-_.@^]/)
			.filter((p) => p.length > 0);
		if (parts.length > 0) words.push(parts);
	}
	return words;
}

/** Printable ASCII and line breaks: nothing NFKD, mark removal or apostrophe folding would change. */
const ASCII = /^[\t\n\r -~]*$/;
/** What splitWords removes or splits a word at. */
const WORD_JOINER = /[-_.@^']/;

/**
 * Lowercase tokens in text order. A compound yields its parts, then (unless `joined: false`)
 * the parts glued together, so "json-rpc", "JSON RPC" and "jsonrpc" can all meet.
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
	const joined = options.joined ?? true;
	const out: string[] = [];
	for (const parts of splitWords(text)) {
		out.push(...parts);
		if (joined && parts.length > 1) out.push(parts.join(''));
	}
	return out;
}

export function isStopWord(token: string): boolean {
	return STOP_WORDS.has(token);
}

/**
 * British -ise/-yse spellings to -ize/-yze ("summarise", "organisation", "analyse"), which the
 * stemmer keeps apart. Applied on both sides, so the odd non-verb it touches ("promise") still matches itself.
 */
export function americanSpelling(token: string): string {
	return token
		.replace(/^([a-z]{2,})is(e|es|ed|ing|er|ers|ation|ations|ational|able)$/, '$1iz$2')
		.replace(/^([a-z]{2,})ys(e|es|ed|ing|er|ers)$/, '$1yz$2');
}

/** Cached because the same few thousand words are stemmed again for every query and section. */
const stemCache = new Map<string, string>();

/** Normalises spelling and stems, through a bounded cache; tokens with digits or non-Latin letters pass unchanged. */
export function stemToken(token: string): string {
	let stemmed = stemCache.get(token);
	if (stemmed === undefined) {
		stemmed = stem(americanSpelling(token));
		if (stemCache.size > 50_000) stemCache.clear();
		stemCache.set(token, stemmed);
	}
	return stemmed;
}

/** The indexing pipeline: tokens without stop words, stemmed. Duplicates are kept (they are term frequencies). */
export function analyze(text: string, options: TokenizeOptions = {}): string[] {
	return tokenize(text, options)
		.filter((t) => !STOP_WORDS.has(t))
		.map(stemToken);
}

/**
 * How a query may spell a phrase, as stem lists: as words ("multi-agent" → multi, agent) and
 * with its compounds glued ("multiagent"). The split form is dropped when splitting loses a
 * stop-word part ("to-do list" would shrink to just "list").
 */
export function phraseVariants(phrase: string): string[][] {
	const split = analyze(phrase, { joined: false });
	const glued = analyze(phrase.replace(/(?<=[\p{L}\p{N}])[-_](?=[\p{L}\p{N}])/gu, ''), { joined: false });
	const variants = split.length >= glued.length ? [split, glued] : [glued];
	const unique = new Map(variants.filter((v) => v.length > 0).map((v) => [v.join(' '), v]));
	return [...unique.values()];
}

/**
 * The base forms a dictionary would list for an inflected word ("rodents" → rodent, "doubleing" → double),
 * the word itself first: for the inflections the stemmer leaves apart from the course's own word.
 */
export function baseForms(word: string): string[] {
	const forms = [word];
	for (const [pattern, replacement] of INFLECTIONS) {
		if (!pattern.test(word)) continue;
		const base = word.replace(pattern, replacement);
		if (base.length >= 3 && !forms.includes(base)) forms.push(base);
	}
	return forms;
}

/** WordNet's detachment rules (morphy), plus doubled consonants ("stopped" → stop). */
const INFLECTIONS: readonly [RegExp, string][] = [
	[/ies$/, 'y'],
	[/ves$/, 'f'],
	[/(ch|sh|s|x|z)es$/, '$1'],
	[/s$/, ''],
	[/ied$/, 'y'],
	[/([^aeiou])\1ed$/, '$1'],
	[/ed$/, ''],
	[/ed$/, 'e'],
	[/([^aeiou])\1ing$/, '$1'],
	[/ing$/, ''],
	[/ing$/, 'e'],
	[/er$/, ''],
	[/est$/, ''],
];
