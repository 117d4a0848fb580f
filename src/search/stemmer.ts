/**
 * English stemmer: the Porter2 ("Snowball English") algorithm, written out here because no
 * stemming library is installed and the search needs the same stems at build and query time.
 * See https://snowballstem.org/algorithms/english/stemmer.html for the definition.
 */

/** Whole words the algorithm gets wrong, mapped to their stems (from the Porter2 definition). */
const EXCEPTIONS: Record<string, string> = {
	skis: 'ski',
	skies: 'sky',
	dying: 'die',
	lying: 'lie',
	tying: 'tie',
	idly: 'idl',
	gently: 'gentl',
	ugly: 'ugli',
	early: 'earli',
	only: 'onli',
	singly: 'singl',
	sky: 'sky',
	news: 'news',
	howe: 'howe',
	atlas: 'atlas',
	cosmos: 'cosmos',
	bias: 'bias',
	andes: 'andes',
};

/** Left as they are once step 1a has run: step 1b would otherwise mangle them. */
const AFTER_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

/** Prefixes whose R1 starts right after them, so "generous" and "general" keep apart. */
const R1_PREFIXES = ['gener', 'commun', 'arsen'];

const DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const LI_ENDINGS = new Set(['c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't']);

/** Step 2 suffixes, longest first; the replacement applies when the suffix is in R1. */
const STEP2: [string, string][] = [
	['ization', 'ize'],
	['ational', 'ate'],
	['fulness', 'ful'],
	['ousness', 'ous'],
	['iveness', 'ive'],
	['tional', 'tion'],
	['biliti', 'ble'],
	['lessli', 'less'],
	['entli', 'ent'],
	['ation', 'ate'],
	['alism', 'al'],
	['aliti', 'al'],
	['ousli', 'ous'],
	['iviti', 'ive'],
	['fulli', 'ful'],
	['enci', 'ence'],
	['anci', 'ance'],
	['abli', 'able'],
	['izer', 'ize'],
	['ator', 'ate'],
	['alli', 'al'],
	['bli', 'ble'],
	['ogi', 'og'],
	['li', ''],
];

/** Step 3 suffixes, longest first; `ative` additionally needs R2. */
const STEP3: [string, string][] = [
	['ational', 'ate'],
	['tional', 'tion'],
	['alize', 'al'],
	['icate', 'ic'],
	['iciti', 'ic'],
	['ative', ''],
	['ical', 'ic'],
	['ness', ''],
	['ful', ''],
];

/** Step 4 suffixes, longest first; deleted when in R2 (`ion` only after s or t). */
const STEP4 = [
	'ement',
	'ance',
	'ence',
	'able',
	'ible',
	'ment',
	'ant',
	'ent',
	'ism',
	'ate',
	'iti',
	'ous',
	'ive',
	'ize',
	'ion',
	'al',
	'er',
	'ic',
];

function isVowel(ch: string | undefined): boolean {
	return ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u' || ch === 'y';
}

/** R1 and R2 as string offsets: each starts after the first non-vowel that follows a vowel. */
function regions(w: string): [number, number] {
	const after = (from: number): number => {
		for (let i = from + 1; i < w.length; i++) {
			if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
		}
		return w.length;
	};
	const prefix = R1_PREFIXES.find((p) => w.startsWith(p));
	const r1 = prefix ? prefix.length : after(0);
	return [r1, after(r1)];
}

/** A short syllable ends the word: consonant-vowel-consonant (last not w, x or Y), or vowel-consonant as the whole word. */
function endsWithShortSyllable(w: string): boolean {
	const n = w.length;
	if (n === 2) return isVowel(w[0]) && !isVowel(w[1]);
	if (n < 3) return false;
	const last = w[n - 1] as string;
	return !isVowel(w[n - 3]) && isVowel(w[n - 2]) && !isVowel(last) && last !== 'w' && last !== 'x' && last !== 'Y';
}

function longestSuffix<T extends string | [string, string]>(w: string, table: readonly T[]): T | undefined {
	return table.find((entry) => w.endsWith(typeof entry === 'string' ? entry : entry[0]));
}

/**
 * Stems one lowercase word. Words that are not plain a–z (digits, other scripts, identifiers
 * already split by the tokenizer) and words of two letters or fewer come back unchanged.
 */
export function stem(word: string): string {
	if (word.length <= 2 || !/^[a-z']+$/.test(word)) return word;
	const exception = EXCEPTIONS[word];
	if (exception !== undefined) return exception;

	// Prelude: drop a leading apostrophe; y at the start or after a vowel is a consonant (Y).
	let w = word.startsWith("'") ? word.slice(1) : word;
	if (w.startsWith('y')) w = `Y${w.slice(1)}`;
	for (let i = 1; i < w.length; i++) {
		if (w[i] === 'y' && isVowel(w[i - 1])) w = `${w.slice(0, i)}Y${w.slice(i + 1)}`;
	}
	const [r1, r2] = regions(w);
	const inR1 = (suffix: string): boolean => w.length - suffix.length >= r1;
	const inR2 = (suffix: string): boolean => w.length - suffix.length >= r2;
	const cut = (suffix: string, replacement = ''): void => {
		w = w.slice(0, w.length - suffix.length) + replacement;
	};

	// Step 0: possessive apostrophes.
	const apostrophe = longestSuffix(w, ["'s'", "'s", "'"]);
	if (apostrophe) cut(apostrophe);

	// Step 1a: plurals.
	if (w.endsWith('sses')) cut('sses', 'ss');
	else if (w.endsWith('ied') || w.endsWith('ies')) cut('ies', w.length > 4 ? 'i' : 'ie');
	else if (w.endsWith('us') || w.endsWith('ss')) {
		// kept
	} else if (w.endsWith('s') && [...w.slice(0, -2)].some(isVowel)) cut('s');
	if (AFTER_1A.has(w)) return w;

	// Step 1b: -eed, -ed, -ing and their -ly forms.
	const s1b = longestSuffix(w, ['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
	if (s1b === 'eed' || s1b === 'eedly') {
		if (inR1(s1b)) cut(s1b, 'ee');
	} else if (s1b && [...w.slice(0, w.length - s1b.length)].some(isVowel)) {
		cut(s1b);
		if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
		else if (DOUBLES.has(w.slice(-2))) w = w.slice(0, -1);
		else if (r1 >= w.length && endsWithShortSyllable(w)) w += 'e';
	}

	// Step 1c: final y after a consonant (not the first letter) becomes i.
	if (w.length > 2 && (w.endsWith('y') || w.endsWith('Y')) && !isVowel(w[w.length - 2])) cut('y', 'i');

	// Step 2: double suffixes to single ones, in R1.
	const s2 = longestSuffix(w, STEP2);
	if (s2 && inR1(s2[0])) {
		const before = w[w.length - s2[0].length - 1];
		if (s2[0] === 'ogi') {
			if (before === 'l') cut('ogi', 'og');
		} else if (s2[0] === 'li') {
			if (before !== undefined && LI_ENDINGS.has(before)) cut('li');
		} else cut(s2[0], s2[1]);
	}

	// Step 3.
	const s3 = longestSuffix(w, STEP3);
	if (s3 && inR1(s3[0]) && (s3[0] !== 'ative' || inR2(s3[0]))) cut(s3[0], s3[1]);

	// Step 4: derivational suffixes, in R2.
	const s4 = longestSuffix(w, STEP4);
	if (s4 && inR2(s4)) {
		if (s4 !== 'ion') cut(s4);
		else if (w[w.length - 4] === 's' || w[w.length - 4] === 't') cut(s4);
	}

	// Step 5: final e and ll.
	if (w.endsWith('e')) {
		if (inR2('e') || (inR1('e') && !endsWithShortSyllable(w.slice(0, -1)))) cut('e');
	} else if (w.endsWith('ll') && inR2('l')) cut('l');

	return w.replace(/Y/g, 'y');
}
