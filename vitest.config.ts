import { defineConfig } from 'vitest/config';
import { useFastTmpdir } from './tests/helpers/test-tmpdir.ts';

// Before any worker forks: test databases and copies on memory (tests/helpers/test-tmpdir.ts).
useFastTmpdir();

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// vitest's default is one worker per core less one: a single worker on these two-core machines, where an
		// integration test mostly waits for its server. Two keep both cores busy (VITEST_MAX_WORKERS overrides).
		maxWorkers: 2,
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
					// A test that walks a whole flow through a server shares two cores with another worker's.
					testTimeout: 60_000,
				},
			},
		],
	},
});
