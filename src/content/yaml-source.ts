/**
 * Parses YAML while keeping node positions, so validation errors can name a line.
 */
import { isCollection, isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ZodType } from 'astro/zod';
import { type ContentIssue, fieldPath } from './errors.ts';

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
		message: `invalid YAML: ${err.message.split('\n')[0]}`,
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
			return { file, field: fieldPath(at), line: source.lineOf(at), message: describeZodIssue(issue) };
		}),
	};
}

function describeZodIssue(issue: { code: string; message: string; keys?: string[]; input?: unknown }): string {
	if (issue.code === 'unrecognized_keys' && issue.keys) {
		return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
	}
	if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.message})`;
	return issue.message;
}
