/** Grounded search over the course's sections, premium sections included for entitled learners. */
import { z } from 'astro/zod';
import { tierSchema } from '../../content/schemas.ts';
import { checkAccess } from '../../domain/access.ts';
import type { Tier } from '../../domain/tiers.ts';
import { ARTIFACT_FILES, ArtifactError } from '../../content/artifact.ts';
import { decodeSearchIndex, type PackedSearchIndex } from '../../search/index-file.ts';
import { createSearcher, type Searcher } from '../../search/search.ts';
import { defineOperation } from '../api/operation.ts';
import type { ContentStore } from '../content-store.ts';
import { getServices } from '../services.ts';

/**
 * On globalThis: scripts/serve.ts builds it before it listens (`getSearcher` from src/), and the bundled
 * server's copy of this module finds it, so the first search does not wait for the index to load.
 */
const cache = globalThis as typeof globalThis & { __courseSearcher?: { bytes: Uint8Array; searcher: Searcher } };

/** The searcher for the current index; rebuilt only when the index's bytes change (a new publish). */
export async function getSearcher(content: ContentStore): Promise<Searcher> {
	const bytes = await content.readBytes(ARTIFACT_FILES.searchIndex);
	if (bytes === null) throw new ArtifactError(`The private artifact has no ${ARTIFACT_FILES.searchIndex}: run \`npm run build\`.`);
	let searcher = cache.__courseSearcher;
	// An uncached store (development) reads the file anew each time: the same bytes keep the searcher.
	if (!searcher || !sameBytes(searcher.bytes, bytes)) {
		let index: PackedSearchIndex;
		try {
			index = decodeSearchIndex(bytes);
		} catch (error) {
			throw new ArtifactError((error as Error).message);
		}
		// The searcher's arrays are views over `bytes`, which the store keeps anyway: no copy.
		searcher = { bytes, searcher: createSearcher(index) };
		cache.__courseSearcher = searcher;
	}
	return searcher.searcher;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a === b || (a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b));
}

export const searchHitSchema = z
	.object({
		chapterId: z.string(),
		chapterTitle: z.string(),
		heading: z.string(),
		anchor: z.string(),
		url: z.string().describe('Deep link to the section on the course site.'),
		score: z.number().describe('0..1 relevance; comparable across queries.'),
		tier: tierSchema,
		locked: z.boolean().describe('True when the learner may not read this chapter: no passage is returned.'),
		passage: z.string().optional().describe('The section text (markdown) to answer from; absent when locked.'),
	})
	.meta({ id: 'SearchHit' });

export const searchContent = defineOperation({
	operationId: 'searchContent',
	method: 'GET',
	path: '/api/v1/search',
	summary: 'Search the course text and get the passages that answer a question',
	description:
		'Call before answering any course question. Returns section passages with deep links; answer only from them. With no results, retry once using the words in unknownWords replaced by the course’s own terms; still nothing means the course does not cover it. Locked results need a higher tier.',
	tags: ['Course'],
	auth: 'optional',
	query: z.object({
		q: z
			.string()
			.trim()
			.min(1, 'must not be empty: send the learner’s question or keywords')
			.max(300, 'must be at most 300 characters: shorten the question to its key terms')
			.describe('The learner’s question or keywords, e.g. "how does MCP discover tools".'),
		limit: z.coerce.number().int().min(1).max(20).default(5).describe('Maximum passages to return (1-20, default 5).'),
	}),
	response: z.object({
		query: z.string(),
		count: z.number().int(),
		results: z.array(searchHitSchema),
		corrections: z
			.array(z.object({ from: z.string(), to: z.string() }))
			.describe('Words read as the course spells them ("fermantation" → "fermentation").'),
		unknownWords: z
			.array(z.string())
			.describe('Words of the query the course never uses: with no results, rephrase them in the course’s terms and search once more.'),
	}),
	errors: [400],
	async handler({ query, user }) {
		const { content } = await getServices();
		const search = await getSearcher(content);
		const tier = user?.tier ?? null;
		const results = search.search(query.q, { limit: query.limit, canRead: (_id, required) => checkAccess(tier, required as Tier).allowed });
		const { corrections, unknownWords } = search.read(query.q);
		return {
			query: query.q,
			count: results.length,
			results: results.map((r) => ({ ...r, tier: r.tier as Tier })),
			corrections,
			unknownWords,
		};
	},
});
