/**
 * The private artifact's contract: what the build writes to `dist/private` (or the private bucket) and the
 * server reads after a tier check. One versioned set of zod schemas, used by the writer (emit.ts) and the
 * reader (server/content-store.ts), so a build and a server of different versions fail loudly, not subtly.
 */
import { z } from 'astro/zod';
import { MULTIPLE_SCORING, QUESTION_TYPES, type QuizKey } from '../domain/grading.ts';
import { REVEAL_POLICIES } from '../domain/reveal.ts';
import { fieldPath } from './errors.ts';
import { chapterPublicSchema, coursePublicSchema, quizSummarySchema, sectionSchema, tierSchema } from './schemas.ts';

/** Bumped whenever a file's shape changes; the server refuses an artifact of another version. */
export const ARTIFACT_VERSION = 5;

export const privateManifestSchema = z.object({
	version: z.literal(ARTIFACT_VERSION),
	course: coursePublicSchema,
	chapters: z.array(chapterPublicSchema),
	quizzes: z.array(quizSummarySchema),
	/** Each paid tier's checkout page at the billing provider (course.yaml `checkout_url`). */
	checkout: z.partialRecord(tierSchema, z.url()),
});
export type PrivateManifest = z.infer<typeof privateManifestSchema>;

export const privateChapterSchema = z.object({
	id: z.string(),
	html: z.string(),
	sections: z.array(sectionSchema),
});
export type PrivateChapter = z.infer<typeof privateChapterSchema>;

export const quizKeySchema = z.object({
	id: z.string(),
	chapterId: z.string(),
	title: z.string(),
	passMark: z.number().int(),
	reveal: z.enum(REVEAL_POLICIES).optional(),
	draw: z.number().int().positive().optional(),
	multipleScoring: z.enum(MULTIPLE_SCORING).optional(),
	questions: z.array(
		z.object({
			id: z.string(),
			type: z.enum(QUESTION_TYPES),
			prompt: z.string(),
			options: z.array(z.object({ id: z.string(), text: z.string() })),
			correct: z.array(z.string()),
			shuffle: z.boolean().optional(),
			accept: z.array(z.string()).optional(),
			answer: z.number().optional(),
			tolerance: z.number().min(0).optional(),
			explanation: z.string(),
			feedback: z.record(z.string(), z.string()),
			teaches: z.object({ anchor: z.string(), heading: z.string() }).optional(),
		}),
	),
}) satisfies z.ZodType<QuizKey>;

/** The files of the artifact, by name relative to its root. */
export const ARTIFACT_FILES = {
	manifest: 'manifest.json',
	chapter: (id: string) => `chapters/${id}.json`,
	quizKey: (id: string) => `quizzes/${id}.json`,
	searchIndex: 'search-index.bin',
} as const;

export class ArtifactError extends Error {}

/** Parses one file of the artifact, naming the file and the first problems when it does not match. */
export function parseArtifactFile<T>(schema: z.ZodType<T>, name: string, value: unknown): T {
	if (schema === (privateManifestSchema as unknown) && (value as { version?: unknown } | null)?.version !== ARTIFACT_VERSION) {
		const found = (value as { version?: unknown } | null)?.version;
		throw new ArtifactError(
			`The private content artifact (${name}) is version ${found ?? 'unversioned'}; this server reads version ${ARTIFACT_VERSION}. Rebuild and republish it with this version (npm run build, npm run publish).`,
		);
	}
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const problems = result.error.issues.slice(0, 3).map((i) => `${fieldPath(i.path) || '(root)'}: ${i.message}`);
	throw new ArtifactError(`The private content artifact's ${name} does not match its schema (${problems.join('; ')}); rebuild it.`);
}
