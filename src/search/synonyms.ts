/**
 * How learners phrase things versus how the course words them. Each set lists interchangeable
 * words or phrases; a query containing one also looks for the others, at reduced weight. Kept
 * small and general (plain-English equivalents and the field's jargon), never one per question.
 * Phrases go through the same analysis as the index, so inflections ("function calls") match.
 * Avoid members that analyse to a single very common stem ("many agents" would become "agent").
 */
export const SYNONYM_SETS: readonly (readonly string[])[] = [
	['function calling', 'tool use', 'tool call'],
	['llm', 'language model'],
	['components', 'building blocks', 'parts'],
	['huge', 'big', 'large', 'larger', 'bigger'],
	['several agents', 'multiple agents', 'multi-agent'],
	['supervisor', 'orchestrator', 'coordinator', 'lead agent'],
	['delegate', 'dispatch'],
	['double check', 'self-check', 'self-correction', 'reflection', 'critique'],
	['transcript', 'trace', 'trajectory'],
	['without asking', 'ask permission', 'confirmation', 'approval', 'human in the loop'],
	['expensive', 'cost', 'spend', 'price'],
	['cap', 'limit'],
	['leak', 'exfiltrate'],
	['to-do list', 'checklist', 'task list'],
	['hack', 'attack', 'exploit'],
	['rag', 'retrieval augmented generation', 'vector search'],
	['first connects', 'handshake', 'initialize'],
	['infinite loop', 'endless loop', 'loop forever', 'runaway loop'],
	['evals', 'evaluation'],
	['safe', 'safety', 'security'],
];
