/**
 * Parses YAML while keeping node positions, so validation errors can name a line.
 */
import { isCollection, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ZodType } from 'astro/zod';
import { type ContentIssue, fieldPath } from './errors.ts';
import { didYouMean } from './suggest.ts';

export interface YamlSource {
	data: unknown;
	/** The 1-based line of the field at `path` (its key, for a mapping entry), or of its closest existing parent. */
	lineOf(path: readonly PropertyKey[]): number | undefined;
	issues: ContentIssue[];
}

/** @param lineOffset lines before the YAML starts in the file (frontmatter starts after `---`). */
export function parseYaml(text: string, file: string, lineOffset = 0): YamlSource {
	const lineCounter = new LineCounter();
	const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
	const issues: ContentIssue[] = doc.errors.map((err) => ({
		file,
		field: '',
		// With prettyErrors off the parser leaves `linePos` unset, so locate the error from its offset.
		line: lineCounter.linePos(err.pos[0]).line + lineOffset,
		message: describeYamlError(err.code, err.message),
	}));
	const lineOf = (path: readonly PropertyKey[]): number | undefined => {
		for (let n = path.length; n >= 0; n--) {
			const node = n === 0 ? doc.contents : (keyNode(path.slice(0, n)) ?? doc.getIn(path.slice(0, n) as unknown[], true));
			const range = (node as { range?: [number, number, number] } | null)?.range;
			if (range) return lineCounter.linePos(range[0]).line + lineOffset;
			if (n === 0 && isCollection(doc.contents)) return 1 + lineOffset;
		}
		return undefined;
	};
	/** The key of a mapping entry (`options:`), so a field's line is its key's, not where a block value starts. */
	const keyNode = (path: readonly PropertyKey[]): unknown => {
		const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
		const key = path[path.length - 1];
		if (typeof key !== 'string' || !isMap(parent)) return undefined;
		return parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key;
	};
	return { data: issues.length ? undefined : doc.toJS(), lineOf, issues };
}

/** Validates parsed YAML against a schema, turning zod issues into author-facing issues. */
export function validateYaml<T>(
	source: YamlSource,
	schema: ZodType<T>,
	file: string,
): { value: T; issues: [] } | { value: undefined; issues: ContentIssue[] } {
	if (source.issues.length) return { value: undefined, issues: source.issues };
	const result = schema.safeParse(source.data);
	if (result.success) return { value: result.data, issues: [] };
	return {
		value: undefined,
		issues: result.error.issues.map((issue) => {
			// zod puts an unknown key's issue on the enclosing object; point at the (first) misspelt key instead.
			const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
			const at = key === undefined ? issue.path : [...issue.path, key];
			return { file, field: fieldPath(at), line: source.lineOf(at), message: describeZodIssue(issue, valueAt(source.data, at)) };
		}),
	};
}

/** What the author wrote at `path` (zod 4 does not keep the input on its issues). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
	let value = data;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

/** Words YAML 1.1 read as booleans; YAML 1.2 (and this parser) reads them as text. */
const BOOLEAN_WORDS = /^(?:yes|no|y|n|on|off|true|false)$/i;

function shown(value: unknown): string {
	if (typeof value === 'string') return `the text "${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'an empty value';
	if (typeof value === 'object') return 'a mapping (key: value lines)';
	return `${typeof value} ${String(value)}`;
}

const EXPECTED_NAMES: Record<string, string> = {
	boolean: 'true or false',
	number: 'a number',
	int: 'a whole number',
	string: 'text',
	array: 'a list (lines starting with "- ")',
	object: 'a mapping (key: value lines)',
};

export function describeZodIssue(
	issue: { code: string; message: string; keys?: string[]; expected?: string; values?: readonly unknown[] },
	value: unknown,
): string {
	if (issue.code === 'unrecognized_keys' && issue.keys) {
		return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
	}
	if (issue.code === 'invalid_type') {
		const expected = EXPECTED_NAMES[issue.expected ?? ''] ?? issue.expected ?? 'a different value';
		if (value === undefined) return `is required: expected ${expected}`;
		if (issue.expected === 'boolean' && typeof value === 'string' && BOOLEAN_WORDS.test(value.trim())) {
			return `write true or false without quotes, not "${value}" (YAML reads ${value} as text)`;
		}
		return `expected ${expected}, got ${shown(value)}`;
	}
	if (issue.code === 'invalid_value' && issue.values) {
		const allowed = issue.values.map(String);
		const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
		return `${value === undefined ? 'is required' : `${JSON.stringify(value)} is not allowed`}: use one of ${allowed.map((v) => `"${v}"`).join(', ')}${hint}`;
	}
	return issue.message;
}

/** The YAML parser's messages, said the way an author can act on them. */
function describeYamlError(code: string, message: string): string {
	const first = message.split('\n')[0] ?? message;
	if (code === 'BLOCK_AS_IMPLICIT_KEY' || /nested mappings|compact mappings|implicit (?:map )?keys/i.test(first)) {
		return 'invalid YAML: a value on this line contains ": " (a colon and a space), which YAML reads as a new key; put the text in quotes, e.g. prompt: "Ratio: how much salt?"';
	}
	if (code === 'DUPLICATE_KEY') return `invalid YAML: a key appears twice in the same mapping (${first})`;
	if (code === 'TAB_AS_INDENT') return 'invalid YAML: indent with spaces, not tabs';
	if (code === 'BAD_INDENT' || /indent/i.test(first))
		return `invalid YAML: the indentation does not line up (${first}); nested fields use the same number of spaces`;
	if (code === 'MISSING_CHAR' || code === 'BAD_SCALAR_START') {
		return `invalid YAML: ${first}; text that starts with a special character (* & ! | > ' " % @ \`) or contains " #" must be quoted`;
	}
	return `invalid YAML: ${first} (quote text that contains ": " or " #")`;
}
