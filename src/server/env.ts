/**
 * The server's configuration, parsed once by one zod schema at start-up. A bad or missing
 * value stops the process with a list of every problem, not a crash later.
 */
import { DEFAULT_IDLE_SECONDS } from './idle-memory.ts';
import { z } from 'astro/zod';
import { fieldPath } from '../content/errors.ts';
import { isTier, type Tier, TIERS } from '../domain/tiers.ts';

/** Paid tiers by Stripe object id: a Payment Link (`plink_…`), a Price (`price_…`) or a Product (`prod_…`). */
export type StripeTierMap = Readonly<Record<string, Tier>>;

/** `NAME=` in a shell or .env file means "not set", not 0. */
const blankAsUnset = (v: unknown) => (v === '' ? undefined : v);

export const envSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	HOST: z.string().default('localhost'),
	PORT: z.coerce.number().int().min(0).max(65535).default(4321),
	/** Public origin users and ChatGPT reach the site at (https in production). */
	PUBLIC_ORIGIN: z.url({ protocol: /^https?$/ }).default('http://localhost:4321'),
	/** Unset: embedded PGlite under DATA_DIR. Set: a PostgreSQL (or Neon pooled) connection string. */
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	DATABASE_DRIVER: z.enum(['pglite', 'postgres', 'neon']).optional(),
	/** DATABASE_DRIVER=neon against a local PostgreSQL through a WebSocket proxy (development and tests only). */
	NEON_WS_PROXY: z.string().optional(),
	/**
	 * `pg` driver: name every statement so PostgreSQL parses and plans it once per connection (about half of
	 * PostgreSQL's CPU per request in docs/benchmarks.md). `false` for a pooler that cannot carry protocol-level
	 * prepared statements (PgBouncer before 1.21, or max_prepared_statements = 0); Neon's pooler can.
	 */
	PG_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
	/**
	 * `pg` driver only: keep session lookups in memory, emptied by PostgreSQL notifications on every change
	 * (decision 0035). `off` reads the session on every request. Needs LISTEN to reach the server (a direct
	 * connection or a session-mode pooler); when it does not, the cache finds out and stays unused.
	 */
	SESSION_CACHE: z.enum(['on', 'off']).default('on'),
	DATA_DIR: z.string().default('./.data/pglite'),
	/**
	 * Embedded database only. `fsync` (default): a write is on stable storage before it is acknowledged.
	 * `unsafe-no-fsync`: PGlite's own mode, ~2× the commits per second, but an OS crash or power loss
	 * drops the last commits (README "Reliability").
	 */
	PGLITE_DURABILITY: z.enum(['fsync', 'unsafe-no-fsync']).default('fsync'),
	/**
	 * Embedded database only: how a fresh data directory is made. `template` (default): from the empty cluster
	 * shipped with the code, made by this PGlite's own initdb (src/server/db/pglite-cluster.ts); `initdb`: runs
	 * initdb in a child process, as before (a few seconds at 650–810 MB).
	 */
	PGLITE_NEW_CLUSTER: z.enum(['template', 'initdb']).default('template'),
	/** Where the private artifact (premium bodies, answer keys, search index) is read from. */
	CONTENT_STORE: z.enum(['local', 'r2']).default('local'),
	PRIVATE_CONTENT_DIR: z.string().default('./dist/private'),
	R2_ENDPOINT: z.url().optional(),
	R2_ACCESS_KEY_ID: z.string().optional(),
	R2_SECRET_ACCESS_KEY: z.string().optional(),
	R2_PRIVATE_BUCKET: z.string().optional(),
	R2_PRIVATE_PREFIX: z
		.string()
		.regex(/^$|^[\w.-]+(\/[\w.-]+)*\/$/, 'must be empty or a path ending in "/", such as "course-v1/"')
		.default(''),
	/**
	 * Outgoing mail (password reset, email verification) over SMTP, e.g. `smtps://user:pass@smtp.example.com:465`
	 * or `smtp://localhost:1025`. Unset: nothing is sent and each link is written to the server log instead.
	 */
	SMTP_URL: z
		.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** The From of every email, e.g. `"Intro to Rust" <no-reply@course.example.com>`; required with SMTP_URL. */
	MAIL_FROM: z.string().trim().max(320).optional(),
	/** Password-reset emails one address may be sent per hour (requests beyond it get a 429). */
	PASSWORD_RESET_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(5),
	/** HMAC-SHA256 secret shared with the billing provider; the webhook is refused without it. */
	BILLING_WEBHOOK_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
	/** The signing secret of the Stripe webhook endpoint (Dashboard or `stripe listen`); Stripe events are refused without it. */
	STRIPE_WEBHOOK_SECRET: z
		.string()
		.regex(/^whsec_\w{8,}$/, 'use the signing secret Stripe shows for the endpoint (whsec_…)')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/**
	 * Which paid tier each Stripe payment link, price or product grants: `plink_…=premium,prod_…=premium,plink_…=pro`.
	 * Ids not listed fall back to a `tier` metadata key on the payment link or price (README "Taking payments with Stripe").
	 */
	STRIPE_TIERS: z
		.string()
		.optional()
		.transform((v, ctx): StripeTierMap => {
			const map: Record<string, Tier> = {};
			for (const entry of (v ?? '').split(',').map((e) => e.trim())) {
				if (!entry) continue;
				const [id = '', tier, ...rest] = entry.split('=').map((p) => p.trim());
				if (!/^(plink|price|prod)_[A-Za-z0-9]+$/.test(id) || tier === undefined || rest.length > 0) {
					ctx.addIssue({ code: 'custom', message: `"${entry}": expected <plink_…, price_… or prod_… id>=<tier>` });
				} else if (!isTier(tier) || tier === 'free') {
					ctx.addIssue({ code: 'custom', message: `"${entry}": the tier must be one of ${TIERS.filter((t) => t !== 'free').join(', ')}` });
				} else {
					map[id] = tier;
				}
			}
			return map;
		}),
	/**
	 * Where the rate limits shared by every instance live: `redis` (the default with REDIS_URL), `database`
	 * (the default on Postgres) or `memory` (one process; the default on the embedded database).
	 */
	RATE_LIMIT_STORE: z.enum(['database', 'memory', 'redis']).optional(),
	/**
	 * The per-request limits (RATE_LIMIT_PER_MINUTE, ANONYMOUS_RATE_LIMIT_PER_MINUTE): `process` counts them in
	 * each server's memory, no write per request; `shared` in RATE_LIMIT_STORE, so N instances allow the limit once,
	 * not N times. Default: `shared` with Redis or the Neon driver (serverless: many instances), else `process`.
	 */
	REQUEST_LIMIT_SCOPE: z.enum(['process', 'shared']).optional(),
	/** Redis for the shared rate limits, e.g. redis://127.0.0.1:6379 or rediss://user:password@host:6380. */
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Prefix of every Redis key this server writes: instances sharing limits use the same one. */
	REDIS_KEY_PREFIX: z.string().max(100).default('cc:'),
	RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
	/** Anonymous requests per address per minute (a classroom shares one address); default 10 × RATE_LIMIT_PER_MINUTE. */
	ANONYMOUS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().optional(),
	/** Failed sign-ins for one account from one address per 15 minutes (successful ones never count). */
	AUTH_RATE_LIMIT_PER_15_MINUTES: z.coerce.number().int().positive().default(10),
	/** Failed sign-ins, and registrations, from one address per 15 minutes: high, so a classroom behind one address fits. */
	AUTH_ADDRESS_LIMIT_PER_15_MINUTES: z.coerce.number().int().positive().default(300),
	/** How often the server deletes expired sessions, tokens, codes and rate-limit counters and unused clients (db/cleanup.ts); 0 turns it off. */
	DB_CLEANUP_INTERVAL_MINUTES: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(10_080).default(60)),
	/** Authorization-code lifetime; RFC 6749 §4.1.2 advises at most 10 minutes (tests shorten it). */
	OAUTH_CODE_TTL_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(600).default(600)),
	/** A just-rotated refresh token presented again within this many seconds gets the same new pair (RFC 9700); 0 turns it off. */
	OAUTH_REFRESH_GRACE_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(120).default(30)),
	/** Dynamic OAuth client registrations per address per 15 minutes; default 300, or AUTH_RATE_LIMIT_PER_15_MINUTES when higher. */
	OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: z.preprocess(blankAsUnset, z.coerce.number().int().positive().optional()),
	/** Browser origins besides the site's own allowed to call /mcp (comma-separated, e.g. a browser-based MCP client). */
	MCP_ALLOWED_ORIGINS: z
		.string()
		.optional()
		.transform((v, ctx) => {
			const origins: string[] = [];
			for (const item of (v ?? '')
				.split(',')
				.map((o) => o.trim())
				.filter(Boolean)) {
				if (!URL.canParse(item)) {
					ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin such as https://client.example` });
					return z.NEVER;
				}
				origins.push(new URL(item).origin);
			}
			return origins;
		}),
	/** A dynamically registered OAuth client that no code, token or session was ever issued for is deleted after this many days. */
	OAUTH_UNUSED_CLIENT_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
	/**
	 * Let OAuth Client ID Metadata Documents be fetched from loopback addresses (127.0.0.0/8, ::1). Off by default:
	 * the server refuses private, loopback and link-local addresses (SSRF). For tests and local development only.
	 */
	OAUTH_CLIENT_METADATA_ALLOW_LOOPBACK: z
		.enum(['true', 'false', ''])
		.default('false')
		.transform((v) => v === 'true'),
	/**
	 * Signs each course certificate's Open Badges 3.0 credential (a VC-JWT, EdDSA/Ed25519; decision 0024): 32 random
	 * bytes in base64url, e.g. `node -e "console.log(crypto.randomBytes(32).toString('base64url'))"`. Keep it secret and
	 * stable: a new key leaves badges signed with the old one unverifiable against /certificates/keys.json. Unset in
	 * production: certificates are issued and verified on their page, without a signed badge; elsewhere a fixed
	 * development key (public, so worthless) is used.
	 */
	CERTIFICATE_SIGNING_KEY: z
		.string()
		.regex(/^[A-Za-z0-9_-]{43}$/, 'use 32 random bytes in base64url (43 characters)')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Seed the demo accounts on start. Default: on with the embedded database, off with DATABASE_URL. */
	SEED_DEMO: z.enum(['true', 'false', '1', '0', '']).optional(),
	/** Diagnostics: every dynamic response carries `X-DB-Statements`, the SQL statements its request sent (db/statement-count.ts). */
	DB_STATEMENT_COUNTS: z.enum(['true', 'false']).default('false'),
	/**
	 * Tests only: `header` lets a request name the instant it is handled at in `X-Test-Now` (src/server/clock.ts),
	 * so tests can move the learner's calendar across days. Never set it on a real server.
	 */
	TEST_CLOCK: z.enum(['off', 'header']).default('off'),
	/**
	 * After this many seconds without a request (health probes aside), the server gives the heap a burst of requests
	 * grew back to the system (src/server/idle-memory.ts; needs node's --expose-gc, which `npm run serve` and `npm start`
	 * pass). 0: never.
	 */
	IDLE_MEMORY_RELEASE_SECONDS: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(86_400).default(DEFAULT_IDLE_SECONDS)),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Proxies in front of the server whose X-Forwarded-For is trusted: false/0 (none), true (one), or a number. */
	TRUST_PROXY: z
		.string()
		.optional()
		.transform((v, ctx) => {
			const value = (v ?? '').trim().toLowerCase();
			if (value === '' || value === 'false') return 0;
			if (value === 'true') return 1;
			if (/^\d{1,2}$/.test(value)) return Number(value);
			ctx.addIssue({ code: 'custom', message: 'use false, true (one proxy) or the number of proxies in front of the server (e.g. 2)' });
			return z.NEVER;
		}),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

/** Rules between variables, checked on the raw input so they are reported together with field errors. */
function crossFieldProblems(source: Record<string, string | undefined>): string[] {
	const problems: string[] = [];
	if (source.CONTENT_STORE === 'r2') {
		for (const key of ['R2_ENDPOINT', 'R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY', 'R2_PRIVATE_BUCKET']) {
			if (!source[key]) problems.push(`${key}: is required when CONTENT_STORE=r2`);
		}
	}
	if (source.SMTP_URL && !source.MAIL_FROM?.trim()) problems.push('MAIL_FROM: is required when SMTP_URL is set');
	if (source.RATE_LIMIT_STORE === 'redis' && !source.REDIS_URL) problems.push('REDIS_URL: is required when RATE_LIMIT_STORE=redis');
	if (source.DATABASE_DRIVER === 'neon' && !source.DATABASE_URL) problems.push('DATABASE_URL: is required when DATABASE_DRIVER=neon');
	return problems;
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
	const result = envSchema.safeParse(source);
	const problems = [
		...(result.success ? [] : result.error.issues.map((i) => `${fieldPath(i.path) || '(env)'}: ${i.message}`)),
		...crossFieldProblems(source),
	];
	if (result.success && problems.length === 0) return result.data;
	throw new EnvError(`Invalid configuration (environment variables):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

let parsed: Env | undefined;

/** The server's configuration: process.env parsed once per process (a bad value stops the start with every problem). */
export function serverEnv(): Env {
	parsed ??= parseEnv();
	return parsed;
}

export function seedDemoEnabled(env: Env): boolean {
	if (env.SEED_DEMO === undefined || env.SEED_DEMO === '') return !env.DATABASE_URL;
	return env.SEED_DEMO === 'true' || env.SEED_DEMO === '1';
}
