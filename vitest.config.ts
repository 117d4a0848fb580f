import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 120_000,
		pool: 'forks',
		projects: [
			// Pure code and compiled fixtures: no server, no build, no database (npm run test:unit).
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/build/**/*.test.ts', 'tests/integration/**/*.test.ts'],
					// The demo fixture course's build the suites serve, and the migrated PGlite directory each
					// test database starts from (tests/helpers/fixture-build.ts, tests/helpers/pglite-template.ts).
					globalSetup: ['tests/helpers/fixture-build.ts', 'tests/helpers/pglite-template.ts'],
				},
			},
		],
	},
});
