/**
 * The private artifact read from an S3-compatible bucket (Cloudflare R2 in production).
 * Objects are cached in memory with their ETag and revalidated with If-None-Match, so a
 * republished chapter is picked up without a restart and an unchanged one costs a 304.
 */
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { type ContentStore, storeOver } from './content-store.ts';

export interface R2StoreOptions {
	R2_ENDPOINT?: string;
	R2_ACCESS_KEY_ID?: string;
	R2_SECRET_ACCESS_KEY?: string;
	R2_PRIVATE_BUCKET?: string;
	R2_PRIVATE_PREFIX: string;
}

/** Revalidate an object at most this often; between checks the cached copy is served. */
const REVALIDATE_MS = 30_000;

export function s3ClientFor(options: { endpoint: string; accessKeyId: string; secretAccessKey: string }): S3Client {
	return new S3Client({
		region: 'auto',
		endpoint: options.endpoint,
		forcePathStyle: true,
		credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
		// Plain bodies, no aws-chunked trailers: some S3 servers store the framing as data.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED',
	});
}

export function r2ContentStore(env: R2StoreOptions, now: () => number = Date.now): ContentStore {
	const client = s3ClientFor({
		endpoint: env.R2_ENDPOINT ?? '',
		accessKeyId: env.R2_ACCESS_KEY_ID ?? '',
		secretAccessKey: env.R2_SECRET_ACCESS_KEY ?? '',
	});
	const bucket = env.R2_PRIVATE_BUCKET ?? '';
	/** Bodies by name, kept as bytes; the text of a JSON file is decoded once per version of the object. */
	interface Entry {
		etag: string | undefined;
		bytes: Uint8Array | null;
		text?: string | null;
		checkedAt: number;
	}
	const cache = new Map<string, Entry>();

	const fetchObject = async (name: string): Promise<Entry> => {
		const cached = cache.get(name);
		if (cached && now() - cached.checkedAt < REVALIDATE_MS) return cached;
		const key = `${env.R2_PRIVATE_PREFIX}${name}`;
		try {
			const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: cached?.etag }));
			const entry: Entry = { etag: out.ETag, bytes: (await out.Body?.transformToByteArray()) ?? new Uint8Array(), checkedAt: now() };
			cache.set(name, entry);
			return entry;
		} catch (error) {
			const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
			if (status === 304 && cached) {
				cached.checkedAt = now();
				return cached;
			}
			if (status === 404 || (error as { name?: string }).name === 'NoSuchKey') {
				const missing: Entry = { etag: undefined, bytes: null, checkedAt: now() };
				cache.set(name, missing);
				return missing;
			}
			// The bucket is unreachable: keep serving what we have rather than failing learners.
			if (cached) return cached;
			throw error;
		}
	};
	const readText = async (name: string): Promise<string | null> => {
		const entry = await fetchObject(name);
		if (entry.text === undefined) entry.text = entry.bytes && new TextDecoder().decode(entry.bytes);
		return entry.text;
	};
	return storeOver(readText, async (name) => (await fetchObject(name)).bytes);
}
