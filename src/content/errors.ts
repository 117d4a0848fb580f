/** One problem an author must fix: where it is and what is expected. */
export interface ContentIssue {
	/** Path relative to the project root, e.g. `content/quizzes/getting-started.yaml`. */
	file: string;
	/** Dotted field path inside the file, e.g. `questions[2].options`. */
	field: string;
	/** 1-based line in the file, when it can be located. */
	line?: number;
	message: string;
	/** Warnings are shown by `npm run check` and the build but do not fail them. */
	severity?: 'warning';
}

export class ContentValidationError extends Error {
	readonly issues: ContentIssue[];
	readonly warnings: ContentIssue[];
	constructor(issues: ContentIssue[], warnings: ContentIssue[] = []) {
		super(formatIssues(issues));
		this.name = 'ContentValidationError';
		this.issues = issues;
		this.warnings = warnings;
	}
}

export function formatIssue(issue: ContentIssue): string {
	const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
	return `${where}  ${issue.severity === 'warning' ? 'warning: ' : ''}${issue.field || '(file)'}: ${issue.message}`;
}

export function formatIssues(issues: ContentIssue[]): string {
	const noun = issues.length === 1 ? 'problem' : 'problems';
	return `Course content has ${issues.length} ${noun}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`;
}

/** Renders a zod-style path (`['questions', 2, 'options']`) as `questions[2].options`. */
export function fieldPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const key of path) {
		if (typeof key === 'number') out += `[${key}]`;
		else out += out ? `.${String(key)}` : String(key);
	}
	return out;
}
