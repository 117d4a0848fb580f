import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/build/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		// Builds the demo fixture course the integration suites run on (tests/helpers/fixture-build.ts).
		globalSetup: ['tests/helpers/fixture-build.ts'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		pool: 'forks',
	},
});
