/**
 * Runs s3rver in its own process: `node --openssl-legacy-provider s3rver-process.ts <dir>`.
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 24's OpenSSL 3 only
 * offers through the legacy provider; without it every truncated listing fails with InternalError.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

type S3rverClass = new (options: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };

const directory = process.argv[2];
if (!directory) throw new Error('usage: s3rver-process.ts <directory>');
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
const { port } = await server.run();
process.stdout.write(`s3rver listening on ${port}\n`);
const stop = () => server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// If the test process dies without stopping us, do not linger: our parent changes when it exits.
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) void stop();
}, 1000).unref();
