/** The three bucket operations a publish needs: list (paginated), put (verified), delete. */
import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { digests } from './local.ts';
import { type LocalFile, normalizeEtag, type RemoteObject } from './plan.ts';

export async function listObjects(client: S3Client, bucket: string, prefix: string, pageSize = 1000): Promise<RemoteObject[]> {
	const objects: RemoteObject[] = [];
	let token: string | undefined;
	do {
		const page = await client.send(
			new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: pageSize }),
		);
		for (const item of page.Contents ?? []) {
			if (item.Key !== undefined) objects.push({ key: item.Key, etag: item.ETag ?? '', size: item.Size ?? 0 });
		}
		token = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (token);
	return objects;
}

export class UploadVerificationError extends Error {}

/**
 * Uploads the file as one Buffer (no streaming: a streamed body goes out aws-chunked, which some
 * S3 servers store framing and all). Content-MD5 lets the server refuse damaged bytes; the
 * returned ETag is checked too, for servers that ignore Content-MD5.
 */
export async function putFile(
	client: S3Client,
	bucket: string,
	file: LocalFile,
	headers: { contentType: string; cacheControl: string },
): Promise<void> {
	const body = await readFile(file.path);
	const now = digests(body);
	if (now.md5 !== file.md5) throw new UploadVerificationError(`${file.path} changed while publishing: run the build again`);
	const out = await client.send(
		new PutObjectCommand({
			Bucket: bucket,
			Key: file.key,
			Body: body,
			ContentLength: body.byteLength,
			ContentMD5: Buffer.from(file.md5, 'hex').toString('base64'),
			ContentType: headers.contentType,
			CacheControl: headers.cacheControl,
			Metadata: { sha256: file.sha256 },
		}),
	);
	const etag = normalizeEtag(out.ETag);
	if (etag !== file.md5) {
		throw new UploadVerificationError(
			`${bucket}/${file.key}: stored ETag ${out.ETag ?? '(none)'} is not the MD5 of the file (${file.md5})`,
		);
	}
}

export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
	await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
