/** The one configuration schema: every setting the server reads is parsed, defaulted and refused here. */
import { describe, expect, it } from 'vitest';
import { envSchema, parseEnv } from '../../../src/server/env.ts';

describe('server configuration', () => {
	it('defaults the OAuth and MCP settings that used to be read where they were used', () => {
		const env = parseEnv({});
		expect(env.OAUTH_REFRESH_GRACE_SECONDS).toBe(30);
		expect(env.OAUTH_CODE_TTL_SECONDS).toBe(600);
		expect(env.OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES).toBeUndefined();
		expect(env.MCP_ALLOWED_ORIGINS).toEqual([]);
	});

	it('reads a blank value as unset, not as 0', () => {
		const env = parseEnv({
			OAUTH_REFRESH_GRACE_SECONDS: '',
			OAUTH_CODE_TTL_SECONDS: '',
			OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: '',
			IDLE_MEMORY_RELEASE_SECONDS: '',
			DB_CLEANUP_INTERVAL_MINUTES: '',
		});
		expect(env).toMatchObject({
			OAUTH_REFRESH_GRACE_SECONDS: 30,
			OAUTH_CODE_TTL_SECONDS: 600,
			IDLE_MEMORY_RELEASE_SECONDS: 60,
			DB_CLEANUP_INTERVAL_MINUTES: 60,
		});
		expect(parseEnv({ IDLE_MEMORY_RELEASE_SECONDS: '0' }).IDLE_MEMORY_RELEASE_SECONDS).toBe(0);
		expect(env.OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES).toBeUndefined();
	});

	it('takes explicit values, 0 turning the refresh grace off, and normalises origins', () => {
		const env = parseEnv({
			OAUTH_REFRESH_GRACE_SECONDS: '0',
			OAUTH_CODE_TTL_SECONDS: '5',
			OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: '1000',
			MCP_ALLOWED_ORIGINS: ' https://inspector.example/some/path , http://localhost:6274 ',
		});
		expect(env).toMatchObject({
			OAUTH_REFRESH_GRACE_SECONDS: 0,
			OAUTH_CODE_TTL_SECONDS: 5,
			OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: 1000,
			MCP_ALLOWED_ORIGINS: ['https://inspector.example', 'http://localhost:6274'],
		});
	});

	it('refuses bad values, naming every variable at once', () => {
		const problems = () =>
			parseEnv({
				OAUTH_REFRESH_GRACE_SECONDS: '500',
				OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: '-3',
				MCP_ALLOWED_ORIGINS: 'not an origin',
			});
		expect(problems).toThrow(/OAUTH_REFRESH_GRACE_SECONDS: /);
		expect(problems).toThrow(/OAUTH_REGISTRATION_RATE_LIMIT_PER_15_MINUTES: /);
		expect(problems).toThrow(/MCP_ALLOWED_ORIGINS: "not an origin" is not an origin/);
	});

	it('is the only reader of process.env in the server (a test of the rule, over the source)', async () => {
		const { readdirSync, readFileSync } = await import('node:fs');
		const files = readdirSync('src/server', { recursive: true, withFileTypes: true })
			.filter((e) => e.isFile() && e.name.endsWith('.ts'))
			.map((e) => `${e.parentPath}/${e.name}`);
		// log.ts reads LOG_LEVEL before anything else loads (the logger must exist to report a bad env).
		const readers = files.filter((f) => !/\/(env|log)\.ts$/.test(f) && /process\.env\b/.test(readFileSync(f, 'utf8')));
		expect(readers).toEqual([]);
		expect(Object.keys(envSchema.shape)).toContain('MCP_ALLOWED_ORIGINS');
	});
});
