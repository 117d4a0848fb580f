/**
 * What a publish must do, decided from the local build and one bucket listing. Pure: the
 * listing's ETag is compared with the MD5 of the local file, which is what R2 and S3 return for
 * an object stored by a single PutObject (the only way we upload); why: src/publish/publish.ts.
 */

export interface LocalFile {
	/** Object key: prefix + path relative to the published directory, with forward slashes. */
	key: string;
	/** Absolute path on disk. */
	path: string;
	size: number;
	/** Hex digests of the file's bytes. */
	md5: string;
	sha256: string;
}

export interface RemoteObject {
	key: string;
	/** As listed, quotes and all; a multipart upload's ETag (`"…-3"`) never equals an MD5. */
	etag: string;
	size: number;
}

export type UploadReason = 'new' | 'changed' | 'forced';

export interface Plan {
	upload: (LocalFile & { reason: UploadReason })[];
	skip: LocalFile[];
	/** Objects under the prefix that the build no longer has: deleted only with --prune. */
	stale: RemoteObject[];
}

export function normalizeEtag(etag: string | undefined): string {
	return (etag ?? '').replace(/^W\//, '').replaceAll('"', '').toLowerCase();
}

/**
 * Upload order keeps a half-finished publish usable: fingerprinted assets first, then other
 * files, then the HTML pages (and the private manifest) that point at them.
 */
export function uploadRank(key: string): number {
	const name = key.slice(key.lastIndexOf('/') + 1);
	if (name === 'manifest.json') return 3;
	if (name.endsWith('.html')) return 2;
	if (/(^|\/)_astro\/|\.pf_(fragment|index|meta)$/.test(key)) return 0;
	return 1;
}

/** Uploads grouped by rank, in order: each stage finishes before the next starts (uploads run in parallel). */
export function uploadStages<T extends { key: string }>(files: readonly T[]): T[][] {
	const stages = new Map<number, T[]>();
	for (const file of files) {
		const rank = uploadRank(file.key);
		stages.set(rank, [...(stages.get(rank) ?? []), file]);
	}
	return [...stages.entries()].sort(([a], [b]) => a - b).map(([, stage]) => stage);
}

export function planSync(local: readonly LocalFile[], remote: readonly RemoteObject[], options: { force?: boolean } = {}): Plan {
	const remoteByKey = new Map(remote.map((object) => [object.key, object]));
	const plan: Plan = { upload: [], skip: [], stale: [] };
	for (const file of local) {
		const existing = remoteByKey.get(file.key);
		if (!existing) plan.upload.push({ ...file, reason: 'new' });
		else if (options.force) plan.upload.push({ ...file, reason: 'forced' });
		else if (normalizeEtag(existing.etag) !== file.md5 || existing.size !== file.size) plan.upload.push({ ...file, reason: 'changed' });
		else plan.skip.push(file);
	}
	const localKeys = new Set(local.map((file) => file.key));
	plan.stale = remote.filter((object) => !localKeys.has(object.key)).sort((a, b) => a.key.localeCompare(b.key));
	plan.upload.sort((a, b) => uploadRank(a.key) - uploadRank(b.key) || a.key.localeCompare(b.key));
	return plan;
}
