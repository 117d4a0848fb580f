/**
 * How learners phrase things versus how the course words them. Kept small and general: each
 * entry should help many possible questions, not one fixture. Phrases on both sides go through
 * the same analysis as the index, so inflections ("function calls") match too.
 */
export const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
	'function calling': ['tool use', 'tool call'],
	'function call': ['tool call'],
	llm: ['model'],
	'language model': ['model'],
};
