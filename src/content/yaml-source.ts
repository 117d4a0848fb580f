/**
 * Parses YAML while keeping node positions, so validation errors can name a line.
 */
import { isCollection, LineCounter, parseDocument } from 'yaml';
import type { ZodType } from 'astro/zod';
import { type ContentIssue, fieldPath } from './errors.ts';

export interface YamlSource {
	data: unknown;
	/** The 1-based line of the value at `path`, or of its closest existing parent. */
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
		line: (err.linePos?.[0]?.line ?? 0) + lineOffset || undefined,
		message: `invalid YAML: ${err.message.split('\n')[0]}`,
	}));
	const lineOf = (path: readonly PropertyKey[]): number | undefined => {
		for (let n = path.length; n >= 0; n--) {
			const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
			const range = (node as { range?: [number, number, number] } | null)?.range;
			if (range) return lineCounter.linePos(range[0]).line + lineOffset;
			if (n === 0 && isCollection(doc.contents)) return 1 + lineOffset;
		}
		return undefined;
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
		issues: result.error.issues.map((issue) => ({
			file,
			field: fieldPath(issue.path),
			line: source.lineOf(issue.path),
			message: describeZodIssue(issue),
		})),
	};
}

function describeZodIssue(issue: { code: string; message: string; keys?: string[]; input?: unknown }): string {
	if (issue.code === 'unrecognized_keys' && issue.keys) {
		return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
	}
	if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.message})`;
	return issue.message;
}
