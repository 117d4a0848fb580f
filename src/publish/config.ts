/**
 * Configuration of `npm run publish`, read from the environment by one zod schema. Every problem
 * is reported at once (missing and malformed variables together), before anything touches a bucket.
 */
import { z } from 'astro/zod';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** S3 bucket names: 3–63 characters of lowercase letters, digits, dots and hyphens. */
const bucketName = z
	.string({ error: 'is required' })
	.min(1, 'is required')
	.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3–63 lowercase letters, digits, dots or hyphens)');

export const publishConfigSchema = z
	.object({
		/** The account endpoint, e.g. https://<account-id>.r2.cloudflarestorage.com (no bucket in the path). */
		R2_ENDPOINT: z
			.string({ error: 'is required' })
			.min(1, 'is required')
			.pipe(z.url({ error: 'must be a URL such as https://<account-id>.r2.cloudflarestorage.com' }))
			.superRefine((value, ctx) => {
				if (!URL.canParse(value)) return; // already reported by z.url()
				const url = new URL(value);
				if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
					ctx.addIssue({ code: 'custom', message: 'must use https (plain http only for a local test server)' });
				}
				if (url.pathname !== '/' || url.search || url.hash) {
					ctx.addIssue({ code: 'custom', message: 'must be the account endpoint only: the bucket goes in R2_*_BUCKET, not the path' });
				}
			}),
		R2_ACCESS_KEY_ID: z.string({ error: 'is required' }).min(1, 'is required'),
		R2_SECRET_ACCESS_KEY: z.string({ error: 'is required' }).min(1, 'is required'),
		/** Receives dist/client: served to everyone. */
		R2_PUBLIC_BUCKET: bucketName,
		/** Receives dist/private: premium bodies and answer keys, read only by the API server. */
		R2_PRIVATE_BUCKET: bucketName,
		/** Optional key prefix inside the private bucket, e.g. `course-v1/`; the server reads `${prefix}${name}`. */
		R2_PRIVATE_PREFIX: z
			.string()
			.default('')
			.refine((p) => p === '' || (p.endsWith('/') && !p.startsWith('/')), {
				message: 'must end with "/" and not start with "/" (e.g. course-v1/), or be empty',
			}),
	})
	.refine((env) => !env.R2_PUBLIC_BUCKET || env.R2_PUBLIC_BUCKET !== env.R2_PRIVATE_BUCKET, {
		// A public bucket is world-readable: answer keys and premium chapters must never land in it.
		path: ['R2_PRIVATE_BUCKET'],
		message: 'must differ from R2_PUBLIC_BUCKET (the public bucket is world-readable)',
		// Check it even when other variables are wrong, so one run lists every problem.
		when: ({ value }) => typeof value === 'object' && value !== null,
	});

export type PublishConfig = z.infer<typeof publishConfigSchema>;

export type ConfigResult = { ok: true; config: PublishConfig } | { ok: false; problems: string[] };

/** Empty strings count as missing: CI substitutes an unset secret as ''. */
export function parsePublishConfig(source: Record<string, string | undefined>): ConfigResult {
	const keys = Object.keys(publishConfigSchema.shape) as (keyof PublishConfig)[];
	const input: Record<string, string | undefined> = {};
	for (const key of keys) {
		const value = source[key];
		input[key] = value === '' && key !== 'R2_PRIVATE_PREFIX' ? undefined : value;
	}
	const result = publishConfigSchema.safeParse(input);
	if (result.success) return { ok: true, config: result.data };
	const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`);
	return { ok: false, problems };
}
