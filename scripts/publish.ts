/**
 * `npm run publish [-- --dry-run] [-- --prune] [-- --force]`: uploads dist/client to the public
 * bucket and dist/private to the private bucket, only what changed. How and why: src/publish/publish.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parsePublishConfig } from '../src/publish/config.ts';
import { publish, summarize } from '../src/publish/publish.ts';
import { s3ClientFor } from '../src/server/content-store-r2.ts';

const USAGE = `Usage: npm run publish -- [--dry-run] [--prune] [--force] [--concurrency 8] [--dist dist]

  --dry-run      print what would be uploaded and deleted; change nothing
  --prune        delete objects the build no longer has (never without this flag)
  --force        upload every file, even unchanged ones (after a Content-Type or Cache-Control change)
  --concurrency  uploads in flight at once (default 8)
  --dist         the build directory holding client/ and private/ (default dist)

Environment: R2_ENDPOINT (https://<account-id>.r2.cloudflarestorage.com), R2_ACCESS_KEY_ID,
R2_SECRET_ACCESS_KEY, R2_PUBLIC_BUCKET, R2_PRIVATE_BUCKET, R2_PRIVATE_PREFIX (optional, e.g. course-v1/).`;

function fail(message: string, code = 1): never {
	console.error(message);
	process.exit(code);
}

let args: ReturnType<typeof parse>;
function parse() {
	return parseArgs({
		options: {
			'dry-run': { type: 'boolean', default: false },
			prune: { type: 'boolean', default: false },
			force: { type: 'boolean', default: false },
			concurrency: { type: 'string', default: '8' },
			dist: { type: 'string', default: 'dist' },
			help: { type: 'boolean', short: 'h', default: false },
		},
		allowPositionals: false,
	}).values;
}
try {
	args = parse();
} catch (error) {
	fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (args.help) {
	console.log(USAGE);
	process.exit(0);
}
const concurrency = Number(args.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) fail('--concurrency must be a whole number from 1 to 64', 2);

const parsed = parsePublishConfig(process.env);
if (!parsed.ok) {
	fail(`Cannot publish: the configuration is incomplete or wrong.\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n\n${USAGE}`);
}
const { config } = parsed;

const dist = path.resolve(args.dist);
const clientDir = path.join(dist, 'client');
const privateDir = path.join(dist, 'private');
for (const dir of [clientDir, privateDir]) {
	if (!existsSync(dir)) fail(`Cannot publish: ${path.relative('.', dir) || dir} does not exist. Run \`npm run build\` first.`);
}
if (!existsSync(path.join(privateDir, 'manifest.json'))) fail(`Cannot publish: ${privateDir} has no manifest.json (an incomplete build?).`);

/** A directory as the summary shows it: relative when inside the working directory. */
const shown = (dir: string) => (path.relative('.', dir).startsWith('..') ? dir : path.relative('.', dir));

const client = s3ClientFor({
	endpoint: config.R2_ENDPOINT,
	accessKeyId: config.R2_ACCESS_KEY_ID,
	secretAccessKey: config.R2_SECRET_ACCESS_KEY,
});
try {
	const result = await publish({
		client,
		targets: [
			{ name: 'public', dir: shown(clientDir), bucket: config.R2_PUBLIC_BUCKET, prefix: '' },
			{ name: 'private', dir: shown(privateDir), bucket: config.R2_PRIVATE_BUCKET, prefix: config.R2_PRIVATE_PREFIX },
		],
		dryRun: args['dry-run'],
		prune: args.prune,
		force: args.force,
		concurrency,
		progress: process.stderr,
	});
	for (const line of summarize(result)) console.log(line);
} catch (error) {
	const err = error as Error & { $metadata?: { httpStatusCode?: number } };
	const status = err.$metadata?.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : '';
	fail(`Publish failed: ${err.name}: ${err.message}${status}`);
} finally {
	client.destroy();
}
