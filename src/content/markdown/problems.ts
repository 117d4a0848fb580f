/** Problems found while rendering markdown, with the 1-based line in the rendered text. */
import type { Node } from 'unist';
import type { VFile } from 'vfile';

export interface MarkdownProblem {
	line: number | undefined;
	message: string;
	severity?: 'warning';
}

declare module 'vfile' {
	interface DataMap {
		problems: MarkdownProblem[];
	}
}

export function reportProblem(file: VFile, node: Node | undefined, message: string, severity?: 'warning'): void {
	file.data.problems ??= [];
	file.data.problems.push({ line: node?.position?.start.line, message, ...(severity ? { severity } : {}) });
}
