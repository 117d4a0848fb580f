/**
 * A real S3 server for the tests: s3rver on 127.0.0.1, a port the OS picks, a temp directory, in
 * a child process (see s3rver-process.ts for why it needs its own Node flags). `recorder` puts a plain HTTP relay in front of it that logs every request and its status, so a
 * test can count uploads or see a conditional GET answered 304 on the wire.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3ClientFor } from '../../../src/server/content-store-r2.ts';

/** s3rver's default credentials (it checks signatures made with them). */
export const S3RVER_KEY = 'S3RVER';

/** The variables scripts/publish.ts and the server's R2 store read. */
export type R2Env = {
	R2_ENDPOINT: string;
	R2_ACCESS_KEY_ID: string;
	R2_SECRET_ACCESS_KEY: string;
	R2_PUBLIC_BUCKET: string;
	R2_PRIVATE_BUCKET: string;
	R2_PRIVATE_PREFIX: string;
};

export interface TestS3 {
	endpoint: string;
	client: S3Client;
	env(buckets: { publicBucket: string; privateBucket: string; prefix?: string }, endpoint?: string): R2Env;
	createBucket(name: string): Promise<void>;
	stop(): Promise<void>;
}

export async function startS3(): Promise<TestS3> {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'cc-s3rver-'));
	const script = path.join(import.meta.dirname, 's3rver-process.ts');
	const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const port = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`s3rver did not start in 20 s:\n${output}`)), 20_000);
		const onData = (chunk: Buffer) => {
			output += chunk;
			const match = /listening on (\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(Number(match[1]));
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`s3rver exited with ${code}:\n${output}`));
		});
	});
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
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(directory, { recursive: true, force: true });
		},
	};
}

export interface RecordedRequest {
	method: string;
	url: string;
	/** The object path, decoded and without the query: `/<bucket>/<key>`. */
	path: string;
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
				const url = req.url ?? '';
				const objectPath = decodeURIComponent(url.split('?')[0] ?? '');
				log.push({ method: req.method ?? '', url, path: objectPath, status: answer.statusCode ?? 0, ifNoneMatch });
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
