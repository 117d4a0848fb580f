/**
 * Reads the private artifact (premium bodies, answer keys, search index) that the build writes
 * to dist/private: from a local directory, or from the private R2 bucket in production.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'astro/zod';
import {
	ARTIFACT_FILES,
	type PrivateChapter,
	type PrivateManifest,
	parseArtifactFile,
	privateChapterSchema,
	privateManifestSchema,
	quizKeySchema,
} from '../content/artifact.ts';
import type { QuizKey } from '../domain/grading.ts';
import { isSlug } from '../domain/ids.ts';

export interface ContentStore {
	manifest(): Promise<PrivateManifest>;
	chapter(id: string): Promise<PrivateChapter | null>;
	quizKey(id: string): Promise<QuizKey | null>;
	/** Raw JSON text of a file in the artifact, or null when it does not exist. */
	readText(name: string): Promise<string | null>;
	/** A binary file of the artifact (the search index), or null; the same object until the file changes. */
	readBytes(name: string): Promise<Uint8Array | null>;
}

/** Shared by both stores: ids are checked before they become object keys or paths. */
export function storeOver(
	readText: (name: string) => Promise<string | null>,
	readBytes: (name: string) => Promise<Uint8Array | null>,
): ContentStore {
	// Parsed once per distinct text: the reader decides how fresh the text is.
	const parsed = new Map<string, { text: string; value: unknown }>();
	// Validated against the artifact's contract once per distinct text.
	const readJson = async <T>(schema: z.ZodType<T>, name: string): Promise<T | null> => {
		const text = await readText(name);
		if (text === null) return null;
		const hit = parsed.get(name);
		if (hit && hit.text === text) return hit.value as T;
		const value = parseArtifactFile(schema, name, JSON.parse(text));
		parsed.set(name, { text, value });
		return value;
	};
	return {
		async manifest() {
			const manifest = await readJson(privateManifestSchema, ARTIFACT_FILES.manifest);
			if (!manifest) throw new Error('The private content artifact has no manifest.json: run `npm run build` first.');
			return manifest;
		},
		chapter: (id) => (isSlug(id) ? readJson(privateChapterSchema, ARTIFACT_FILES.chapter(id)) : Promise.resolve(null)),
		quizKey: (id) => (isSlug(id) ? readJson(quizKeySchema, ARTIFACT_FILES.quizKey(id)) : Promise.resolve(null)),
		readText,
		readBytes,
	};
}

/** @param cache keep file text in memory (production: the artifact only changes with a deploy). */
export function localContentStore(dir: string, cache = true): ContentStore {
	const root = path.resolve(dir);
	const read = async <T>(name: string, as: 'utf8' | 'bytes'): Promise<T | null> => {
		try {
			return (await (as === 'utf8' ? readFile(path.join(root, name), 'utf8') : readFile(path.join(root, name)))) as T;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	};
	const cached = <T>(as: 'utf8' | 'bytes') => {
		const files = new Map<string, Promise<T | null>>();
		return (name: string): Promise<T | null> => {
			if (!cache) return read<T>(name, as);
			let file = files.get(name);
			if (!file) {
				file = read<T>(name, as);
				file.catch(() => files.delete(name));
				files.set(name, file);
			}
			return file;
		};
	};
	return storeOver(cached<string>('utf8'), cached<Uint8Array>('bytes'));
}
