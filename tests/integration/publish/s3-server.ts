/**
 * A real S3 server for the tests: s3rver on 127.0.0.1, a port the OS picks, a temp directory.
 * `recorder` puts a plain HTTP relay in front of it that logs every request and its status, so a
 * test can count uploads or see a conditional GET answered 304 on the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ClientFor } from '../../../src/server/content-store-r2.ts';

interface S3rverInstance {
	run(): Promise<AddressInfo>;
	close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's default credentials (it checks signatures made with them). */
export const S3RVER_KEY = 'S3RVER';

export interface TestS3 {
	endpoint: string;
	client: S3Client;
	env(buckets: { publicBucket: string; privateBucket: string; prefix?: string }, endpoint?: string): Record<string, string>;
	createBucket(name: string): Promise<void>;
	stop(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
	const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
	const directory = mkdtempSync(path.join(os.tmpdir(), 'cc-s3rver-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
	const { port } = await server.run();
	const endpoint = `http://127.0.0.1:${port}`;
	const client = s3ClientFor({ endpoint, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY });
	return {
		endpoint,
		client,
		env: ({ publicBucket, privateBucket, prefix = '' }, via = endpoint) => ({
			R2_ENDPOINT: via,
			R2_ACCESS_KEY_ID: S3RVER_KEY,
			R2_SECRET_ACCESS_KEY: S3RVER_KEY,
			R2_PUBLIC_BUCKET: publicBucket,
			R2_PRIVATE_BUCKET: privateBucket,
			R2_PRIVATE_PREFIX: prefix,
		}),
		async createBucket(name) {
			await client.send(new CreateBucketCommand({ Bucket: name }));
		},
		async stop() {
			client.destroy();
			await server.close();
			rmSync(directory, { recursive: true, force: true });
		},
	};
}

export interface RecordedRequest {
	method: string;
	url: string;
	status: number;
	ifNoneMatch: string | undefined;
}

/** An HTTP relay to `target` that records each request; headers pass untouched so signatures stay valid. */
export async function recorder(target: string): Promise<{ endpoint: string; log: RecordedRequest[]; close(): Promise<void> }> {
	const upstream = new URL(target);
	const log: RecordedRequest[] = [];
	const server = http.createServer((req, res) => {
		const forward = http.request(
			{ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				const ifNoneMatch = req.headers['if-none-match'];
				log.push({ method: req.method ?? '', url: req.url ?? '', status: answer.statusCode ?? 0, ifNoneMatch });
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', (error) => res.destroy(error));
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		log,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export async function download(
	client: S3Client,
	bucket: string,
	key: string,
): Promise<{ bytes: Buffer; contentType?: string; cacheControl?: string; etag?: string; metadata?: Record<string, string> }> {
	const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
	const bytes = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
	return { bytes, contentType: out.ContentType, cacheControl: out.CacheControl, etag: out.ETag, metadata: out.Metadata };
}
