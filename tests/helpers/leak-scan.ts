/**
 * Looks for private text (premium chapter prose, quiz explanations) in public build output.
 * Files are read the way a visitor's browser would see their content: gzip (Pagefind's index and
 * fragments) is undone, the `pagefind_dcd` header dropped, HTML tags, entities and JS/JSON string
 * escapes removed, and both sides are compared as lowercase letters and digits only, so markup,
 * smart quotes and escaping cannot hide a match.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/** Every file under `dir`, recursively, as absolute paths. */
export function listFilesRecursive(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile())
		.map((e) => path.join(e.parentPath, e.name))
		.sort();
}

const PAGEFIND_HEADER = Buffer.from('pagefind_dcd');

/** Undoes gzip (or zlib/raw deflate) when the bytes look compressed; tolerates truncated streams. */
export function decompress(bytes: Buffer): Buffer {
	const loose = { finishFlush: constants.Z_SYNC_FLUSH };
	if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
		try {
			return gunzipSync(bytes, loose);
		} catch {
			return bytes;
		}
	}
	// zlib header: CMF 0x78 and (CMF*256 + FLG) divisible by 31
	if (bytes[0] === 0x78 && bytes.length > 1 && ((bytes[0] << 8) | (bytes[1] ?? 0)) % 31 === 0) {
		try {
			return inflateSync(bytes, loose);
		} catch {
			return bytes;
		}
	}
	return bytes;
}

/** A public file's text content: decompressed, without Pagefind's header. Raw deflate is tried for Pagefind files too. */
export function readPublicText(file: string): string {
	const raw = readFileSync(file);
	let bytes = decompress(raw);
	if (bytes === raw && /\.(pf_fragment|pf_index|pf_meta|pagefind)$/.test(file)) {
		try {
			bytes = inflateRawSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
		} catch {
			// not compressed after all: scan the bytes as they are
		}
	}
	if (bytes.subarray(0, PAGEFIND_HEADER.length).equals(PAGEFIND_HEADER)) bytes = bytes.subarray(PAGEFIND_HEADER.length);
	return bytes.toString('utf8');
}

/** Lowercase letters and digits separated by single spaces: what is left of text once markup and punctuation are gone. */
export function normalizeText(text: string): string {
	return text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (_, name: string) => {
		if (name[0] === '#') {
			const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
			return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
		}
		return NAMED_ENTITIES[name.toLowerCase()] ?? ' ';
	});
}

function stripTags(text: string): string {
	return text.replace(/<[^>]*>/g, ' ');
}

/** JS and JSON string escapes (`\"`, `\n`, `\u2019`, `\u{1F600}`, `\x41`). */
function unescapeStrings(text: string): string {
	return text.replace(/\\(?:u\{([0-9a-f]+)\}|u([0-9a-f]{4})|x([0-9a-f]{2})|([nrt])|(.))/gi, (_, cp, u4, x2, ctl, other) => {
		const hex = cp ?? u4 ?? x2;
		if (hex) {
			const code = Number.parseInt(hex, 16);
			return code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
		}
		return ctl ? ' ' : (other ?? '');
	});
}

/** Markdown link targets (`](/chapters/x "title")`), so raw markdown reads like its rendered text. */
function dropLinkTargets(text: string): string {
	return text.replace(/\]\([^)\s]*(?:\s+"[^"]*")?\)/g, ' ');
}

/**
 * The normalized readings of a file's text a match is looked for in: with and without tags, with and
 * without string escapes, and raw markdown without link targets.
 */
export function haystacks(text: string): string[] {
	const unescaped = unescapeStrings(text);
	const readings = [stripTags(text), stripTags(unescaped), text, unescaped, dropLinkTargets(unescaped)];
	const variants = readings.map((t) => normalizeText(decodeEntities(t)));
	return [...new Set(variants)];
}

/**
 * Plain-text sentences of a markdown text, at least `minChars` long: prose, list items, quotes and the
 * text inside asides, with link targets dropped; code blocks, tables, headings, HTML blocks and the
 * asides' `:::` lines left out.
 */
export function markdownSentences(markdown: string, minChars = 60): string[] {
	const units: string[] = [];
	let fence: string | null = null;
	let paragraph: string[] = [];
	const flush = () => {
		if (paragraph.length) units.push(paragraph.join(' '));
		paragraph = [];
	};
	for (const line of markdown.split('\n')) {
		const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker) {
			flush();
			if (fence === null) fence = marker;
			else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
			continue;
		}
		if (fence !== null) continue;
		const trimmed = line.trim();
		// An aside's opening (`:::tip[Title]`) or closing (`:::`) line: markup, not a sentence of the text inside.
		const aside = /^\s{0,3}:{3,}/.test(line);
		if (aside || trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('|') || trimmed.startsWith('<')) {
			flush();
			continue;
		}
		const item = /^(?:[-*+]|\d+[.)])\s+(.*)$/.exec(trimmed);
		if (item) {
			flush();
			paragraph.push(item[1] ?? '');
			continue;
		}
		paragraph.push(trimmed.replace(/^>\s?/, ''));
	}
	flush();
	return units
		.map((u) => u.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<https?:[^>]*>/g, ' '))
		.flatMap((u) => u.split(/(?<=[.!?])\s+/))
		.map((s) => s.trim())
		.filter((s) => s.length >= minChars);
}

export interface Needle {
	/** Where the text comes from, for the failure message (e.g. `chapters/tool-use.json § Retries`). */
	source: string;
	text: string;
}

export interface Leak {
	file: string;
	source: string;
	text: string;
}

export interface ScanResult {
	leaks: Leak[];
	filesScanned: number;
	bytesScanned: number;
}

/** Searches every file for every needle; returns each (file, needle) pair found. */
export function scanForLeaks(files: string[], needles: Needle[]): ScanResult {
	const prepared = needles.map((n) => ({ ...n, normalized: normalizeText(n.text) })).filter((n) => n.normalized.length > 0);
	const leaks: Leak[] = [];
	let bytesScanned = 0;
	for (const file of files) {
		const text = readPublicText(file);
		bytesScanned += Buffer.byteLength(text);
		const hay = haystacks(text);
		for (const needle of prepared) {
			if (hay.some((h) => h.includes(needle.normalized))) leaks.push({ file, source: needle.source, text: needle.text });
		}
	}
	return { leaks, filesScanned: files.length, bytesScanned };
}
