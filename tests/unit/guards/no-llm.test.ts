/**
 * The server never calls a model: ChatGPT is the tutor, the API only supplies course text and
 * facts. This guard fails if the lockfile holds an LLM SDK (directly or pulled in by another
 * package) or if any file under src/ or scripts/ names a model API host.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Exact package names of LLM SDKs. */
const LLM_PACKAGES = new Set([
	'openai',
	'openai-edge',
	'ai',
	'langchain',
	'llamaindex',
	'cohere-ai',
	'groq-sdk',
	'replicate',
	'together-ai',
	'ollama',
	'anthropic',
	'@anthropic-ai/sdk',
	'@google/generative-ai',
	'@google/genai',
	'@google-cloud/vertexai',
	'@huggingface/inference',
	'@azure/openai',
	'@aws-sdk/client-bedrock-runtime',
	'@aws-sdk/client-bedrock-agent-runtime',
	'@mistralai/mistralai',
	'portkey-ai',
	'@fal-ai/client',
	'@xenova/transformers',
	'@huggingface/transformers',
	'node-llama-cpp',
]);

/** Whole scopes that only publish LLM SDKs. */
const LLM_SCOPES = ['@anthropic-ai/', '@ai-sdk/', '@langchain/', '@llamaindex/', '@mistralai/', '@openai/', '@fireworks-ai/'];

/** Hosts of model APIs (and gateways in front of them). */
const MODEL_API_HOSTS = [
	'api.openai.com',
	'api.anthropic.com',
	'generativelanguage.googleapis.com',
	'aiplatform.googleapis.com',
	'api.mistral.ai',
	'api.cohere.ai',
	'api.cohere.com',
	'api.groq.com',
	'api.together.xyz',
	'api.together.ai',
	'api.replicate.com',
	'api.fireworks.ai',
	'api.deepseek.com',
	'api.perplexity.ai',
	'api.x.ai',
	'openrouter.ai',
	'api-inference.huggingface.co',
	'router.huggingface.co',
	'ai-gateway.vercel.sh',
	'openai.azure.com',
	'bedrock-runtime',
];

function isLlmPackage(name: string): boolean {
	return LLM_PACKAGES.has(name) || LLM_SCOPES.some((scope) => name.startsWith(scope));
}

interface LockPackage {
	version?: string;
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`; '' (the root project) → ''. */
function packageName(lockPath: string): string {
	const index = lockPath.lastIndexOf('node_modules/');
	return index === -1 ? lockPath : lockPath.slice(index + 'node_modules/'.length);
}

/**
 * LLM SDKs in a package-lock.json (v2/v3 `packages`, or v1 `dependencies`), each with the chain of
 * packages that pulls it in, e.g. `ai@6.0.33 ← @scalar/agent-chat ← @scalar/api-reference ← (project)`.
 */
function findLlmPackages(lockText: string): string[] {
	const lock = JSON.parse(lockText) as { packages?: Record<string, LockPackage>; dependencies?: Record<string, LockPackage> };
	const entries = new Map<string, LockPackage>();
	for (const [key, pkg] of Object.entries(lock.packages ?? {})) entries.set(packageName(key) || '(project)', pkg);
	const walkV1 = (deps: Record<string, LockPackage & { dependencies?: Record<string, never> }> | undefined) => {
		for (const [name, pkg] of Object.entries(deps ?? {})) {
			if (!entries.has(name)) entries.set(name, { version: pkg.version });
			if (pkg.dependencies && typeof Object.values(pkg.dependencies)[0] === 'object') walkV1(pkg.dependencies);
		}
	};
	if (!lock.packages) walkV1(lock.dependencies as never);

	const dependents = (name: string) =>
		[...entries.entries()]
			.filter(([, pkg]) =>
				[pkg.dependencies, pkg.optionalDependencies, pkg.peerDependencies, pkg.devDependencies].some((deps) => deps && name in deps),
			)
			.map(([dependent]) => dependent);
	const chain = (name: string) => {
		const seen = [name];
		for (let current = name; ; ) {
			const next =
				dependents(current).find((d) => !seen.includes(d) && !isLlmPackage(d)) ?? dependents(current).find((d) => !seen.includes(d));
			if (!next) break;
			seen.push(next);
			if (next === '(project)') break;
			current = next;
		}
		return seen.slice(1);
	};
	return [...entries.entries()]
		.filter(([name]) => isLlmPackage(name))
		.map(([name, pkg]) => [`${name}@${pkg.version ?? '?'}`, ...chain(name)].join(' ← '));
}

const HOST_PATTERNS = MODEL_API_HOSTS.map((host) => ({
	host,
	// The host as a whole name: not "xapi.openai.com" nor "api.openai.community".
	regex: new RegExp(`(^|[^a-z0-9.-])${host.replace(/[.]/g, '\\.')}($|[^a-z0-9-]|\\.(?![a-z]))`, 'i'),
}));

/** The model API hosts a text mentions. */
function findModelHosts(text: string): string[] {
	return HOST_PATTERNS.filter((p) => p.regex.test(text)).map((p) => p.host);
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const full = path.join(dir, entry);
		if (entry === 'node_modules' || entry.startsWith('.')) return [];
		return statSync(full).isDirectory() ? filesUnder(full) : [full];
	});
}

describe('no LLM in the server', () => {
	it('package-lock.json holds no LLM SDK, not even as a transitive dependency', () => {
		const found = findLlmPackages(readFileSync('package-lock.json', 'utf8'));
		expect(found, `LLM SDKs in package-lock.json (remove the package that pulls each in):\n${found.join('\n')}`).toEqual([]);
	});

	it('no file under src/ or scripts/ names a model API host', () => {
		const files = [...filesUnder('src'), ...filesUnder('scripts')];
		expect(files.length).toBeGreaterThan(10);
		const offenders = files.flatMap((file) => findModelHosts(readFileSync(file, 'utf8')).map((host) => `${file}: ${host}`));
		expect(offenders).toEqual([]);
	});

	describe('the matchers can fail', () => {
		it('finds LLM SDKs in a fake lockfile, direct or nested, with the chain that pulls them in', () => {
			const fake = JSON.stringify({
				lockfileVersion: 3,
				packages: {
					'': { dependencies: { 'some-docs-ui': '1.0.0', ajv: '8.0.0' } },
					'node_modules/some-docs-ui': { version: '1.0.0', dependencies: { ai: '6.0.0' } },
					'node_modules/ai': { version: '6.0.0', dependencies: { '@ai-sdk/provider': '3.0.0' } },
					'node_modules/ai/node_modules/@ai-sdk/provider': { version: '3.0.0' },
					'node_modules/openai': { version: '5.0.0' },
					'node_modules/@anthropic-ai/sdk': { version: '0.60.0' },
					'node_modules/@langchain/core': { version: '0.3.0' },
					'node_modules/ajv': { version: '8.0.0' },
					'node_modules/tail': { version: '2.0.0' },
					'node_modules/@aws-sdk/client-s3': { version: '3.0.0' },
					'node_modules/@modelcontextprotocol/sdk': { version: '1.0.0' },
				},
			});
			const found = findLlmPackages(fake);
			expect(found).toEqual([
				'ai@6.0.0 ← some-docs-ui ← (project)',
				'@ai-sdk/provider@3.0.0 ← ai ← some-docs-ui ← (project)',
				'openai@5.0.0',
				'@anthropic-ai/sdk@0.60.0',
				'@langchain/core@0.3.0',
			]);
			const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { 'groq-sdk': { version: '0.5.0' }, lodash: { version: '4.0.0' } } });
			expect(findLlmPackages(v1)).toEqual(['groq-sdk@0.5.0']);
		});

		it('does not flag look-alike names', () => {
			for (const name of [
				'ajv',
				'tail',
				'aioli',
				'openapi-types',
				'@scalar/openapi-types',
				'said',
				'ai-sdk-docs',
				'@openapitools/x',
				'email-validator',
			]) {
				expect(isLlmPackage(name), name).toBe(false);
			}
		});

		it('finds a model API host in a fake source file, not in look-alikes or in prose about ChatGPT', () => {
			const source = `const res = await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST' });`;
			expect(findModelHosts(source)).toEqual(['api.openai.com']);
			expect(findModelHosts('const base = "generativelanguage.googleapis.com";\nnew URL(`https://api.anthropic.com/v1/messages`)')).toEqual(
				['api.anthropic.com', 'generativelanguage.googleapis.com'],
			);
			expect(findModelHosts('Host: api.groq.com')).toEqual(['api.groq.com']);
			for (const text of [
				"operation['x-openai-isConsequential'] = true;",
				'// The tutor is ChatGPT; see https://chatgpt.com/aip/g-123/oauth/callback',
				'const host = "myapi.openai.community";',
				'const h = "xapi.openai.com";',
			]) {
				expect(findModelHosts(text), text).toEqual([]);
			}
		});
	});
});
