/**
 * Publishes a build: dist/client to the public bucket, dist/private to the private bucket (under
 * an optional prefix), uploading only what changed.
 *
 * How "changed" is decided: one ListObjectsV2 per bucket (paginated) returns every key with its
 * ETag, and for an object written by a single PutObject both R2 and S3 make the ETag the MD5 of
 * the body. So the listing alone tells which files differ: no HEAD per object (ListObjectsV2 does
 * not return metadata) and no manifest object that could drift from what the bucket really holds.
 * We never upload multipart (files are small), and each upload is checked: Content-MD5 is sent and
 * the returned ETag must equal the local MD5. The SHA-256 is stored as `x-amz-meta-sha256` for
 * audits. Limitation: a change of Content-Type or Cache-Control policy alone is not detected (same
 * bytes, same ETag); publish with `--force` after changing src/publish/headers.ts.
 *
 * Order: the private artifact first (so a chapter the new pages link to can already be read), its
 * manifest last; public assets before the pages that reference them; deletions (--prune) last.
 * Each stage completes before the next one starts, so the order holds with parallel uploads.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteObject, listObjects, putFile } from './bucket.ts';
import { cacheControlFor, contentTypeFor } from './headers.ts';
import { scanDirectory } from './local.ts';
import { type Plan, planSync, uploadStages } from './plan.ts';
import { createProgress, type ProgressStream, runPool } from './progress.ts';

export interface PublishTarget {
	name: 'public' | 'private';
	dir: string;
	bucket: string;
	prefix: string;
}

export interface PublishOptions {
	client: S3Client;
	targets: PublishTarget[];
	dryRun?: boolean;
	prune?: boolean;
	force?: boolean;
	concurrency?: number;
	/** Where the progress line goes (stderr in the CLI); nothing is drawn when absent. */
	progress?: ProgressStream;
	/** Objects per ListObjectsV2 page (tests use a small one to exercise pagination). */
	listPageSize?: number;
}

export interface TargetResult {
	target: PublishTarget;
	plan: Plan;
	uploaded: string[];
	uploadedBytes: number;
	deleted: string[];
}

export interface PublishResult {
	dryRun: boolean;
	prune: boolean;
	targets: TargetResult[];
	elapsedMs: number;
}

/** Private first: see the note at the top of this file. */
const ORDER = { private: 0, public: 1 } as const;

export async function publish(options: PublishOptions): Promise<PublishResult> {
	const started = performance.now();
	const { client } = options;
	const targets = [...options.targets].sort((a, b) => ORDER[a.name] - ORDER[b.name]);
	const results: TargetResult[] = [];
	// Plan everything before changing anything: a bad bucket name fails before the first upload.
	for (const target of targets) {
		const [local, remote] = await Promise.all([
			scanDirectory(target.dir, target.prefix),
			listObjects(client, target.bucket, target.prefix, options.listPageSize),
		]);
		results.push({ target, plan: planSync(local, remote, { force: options.force }), uploaded: [], uploadedBytes: 0, deleted: [] });
	}
	if (options.dryRun) return { dryRun: true, prune: !!options.prune, targets: results, elapsedMs: performance.now() - started };

	const total = results.reduce((n, r) => n + r.plan.upload.length + (options.prune ? r.plan.stale.length : 0), 0);
	const progress = createProgress(options.progress ?? { write: () => {} }, total);
	const concurrency = options.concurrency ?? 8;
	try {
		for (const result of results) {
			const { target } = result;
			const visibility = target.name;
			for (const stage of uploadStages(result.plan.upload)) {
				await runPool(stage, concurrency, async (file) => {
					progress.step('uploading', `${target.bucket}/${file.key}`);
					const name = file.key.slice(target.prefix.length);
					await putFile(client, target.bucket, file, {
						contentType: contentTypeFor(name),
						cacheControl: cacheControlFor(name, visibility),
					});
					result.uploaded.push(file.key);
					result.uploadedBytes += file.size;
				});
			}
		}
		if (options.prune) {
			for (const result of [...results].reverse()) {
				await runPool(result.plan.stale, concurrency, async (object) => {
					progress.step('deleting', `${result.target.bucket}/${object.key}`);
					await deleteObject(client, result.target.bucket, object.key);
					result.deleted.push(object.key);
				});
			}
		}
	} finally {
		progress.done();
	}
	return { dryRun: false, prune: !!options.prune, targets: results, elapsedMs: performance.now() - started };
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** The plan (dry run) or what was done, as the lines the CLI prints. */
export function summarize(result: PublishResult): string[] {
	const lines: string[] = [];
	for (const { target, plan, uploaded, uploadedBytes, deleted } of result.targets) {
		const where = `${target.bucket}${target.prefix ? `/${target.prefix}` : ''}`;
		if (result.dryRun) {
			const bytes = plan.upload.reduce((n, f) => n + f.size, 0);
			const deleting = result.prune ? plan.stale.length : 0;
			lines.push(
				`${target.name} (${target.dir} → ${where}): ${plan.upload.length} to upload (${formatBytes(bytes)}), ${plan.skip.length} unchanged, ${deleting} to delete`,
			);
			for (const file of plan.upload) lines.push(`  upload  ${file.key} (${file.reason}, ${formatBytes(file.size)})`);
			for (const object of plan.stale) {
				lines.push(result.prune ? `  delete  ${object.key}` : `  keep    ${object.key} (not in the build; --prune deletes it)`);
			}
		} else {
			const kept = result.prune ? 0 : plan.stale.length;
			lines.push(
				`${target.name} (${target.dir} → ${where}): uploaded ${uploaded.length} (${formatBytes(uploadedBytes)}), ${plan.skip.length} unchanged, deleted ${deleted.length}${kept ? `, ${kept} stale kept (use --prune)` : ''}`,
			);
		}
	}
	lines.push(`${result.dryRun ? 'Dry run: nothing changed' : 'Done'} in ${(result.elapsedMs / 1000).toFixed(2)} s.`);
	return lines;
}
