/**
 * Wires the course compiler into Astro: validation fails the build with the author's messages,
 * `astro build` writes the private artifact and the Pagefind index, and `astro dev` reloads
 * the page when a file under content/ changes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { ContentValidationError, formatIssue } from './content/errors.ts';
import { CONTENT_DIR, getCompiledCourse, invalidateCompiledCourse } from './content/course.ts';
import { ASSET_PREFIX } from './content/assets.ts';
import { contentTypeFor } from './publish/headers.ts';
import { hasSessionCookie, learnRewrite } from './server/premium-routes.ts';
import { writeAssets, writePrivateArtifact } from './content/emit.ts';
import type { CompiledCourse } from './content/compile.ts';
import { buildSearchIndexData, writeSearchIndex } from './search/index-builder.ts';
import { decodeSearchIndex, encodeSearchIndex } from './search/index-file.ts';
import { withTeachingSections } from './search/teaching-sections.ts';
import { bundleServer } from './publish/bundle-server.ts';

/** `import { course } from 'virtual:course'` in .astro files: see src/env.d.ts. */
const COURSE_MODULE = 'virtual:course';
const RESOLVED_COURSE_MODULE = '\0virtual:course';

/**
 * The private artifact: search index first, so each quiz question can link the section that teaches it. The
 * index is encoded once; the build's searcher runs on the bytes the server will read.
 */
async function writePrivate(compiled: CompiledCourse, privateDir: string): Promise<void> {
	const encoded = encodeSearchIndex(buildSearchIndexData(compiled));
	await writePrivateArtifact({ ...compiled, quizzes: withTeachingSections(compiled, decodeSearchIndex(encoded)) }, privateDir);
	await writeSearchIndex(encoded, privateDir);
}

export function courseIntegration(): AstroIntegration {
	let outDir = '';
	return {
		name: 'course-companion',
		hooks: {
			'astro:config:setup': ({ updateConfig }) => {
				const contentDir = CONTENT_DIR;
				updateConfig({
					vite: {
						plugins: [
							{
								// The course's identity (title, description, language) for every page, prerendered or
								// server-rendered, baked in at build time from content/course.yaml.
								name: 'course-identity',
								resolveId: (id) => (id === COURSE_MODULE ? RESOLVED_COURSE_MODULE : undefined),
								load: async (id) => {
									if (id !== RESOLVED_COURSE_MODULE) return undefined;
									const { course } = await getCompiledCourse();
									const identity = { id: course.id, title: course.title, description: course.description, language: course.language };
									return `export const course = ${JSON.stringify(identity)};`;
								},
							},
							{
								name: 'course-content-reload',
								configureServer(server) {
									server.watcher.add(contentDir);
									const reload = (file: string) => {
										if (!file.startsWith(contentDir)) return;
										invalidateCompiledCourse();
										for (const env of Object.values(server.environments)) env.moduleGraph.invalidateAll();
										server.ws.send({ type: 'full-reload' });
									};
									server.watcher.on('change', reload);
									server.watcher.on('add', reload);
									server.watcher.on('unlink', reload);
									// Chapter images are published by the build; in dev they are served from the compiled course.
									server.middlewares.use(ASSET_PREFIX, (req, res, next) => {
										const name = decodeURIComponent((req.url ?? '').replace(/^\/+|\?.*$/g, ''));
										getCompiledCourse()
											.then(({ assets }) => {
												const asset = assets.find((a) => a.name === name);
												if (!asset) return next();
												res.setHeader('Content-Type', contentTypeFor(asset.name));
												res.end(asset.bytes);
											})
											.catch(() => next());
									});
								},
							},
						],
					},
				});
			},
			'astro:config:done': ({ config }) => {
				outDir = fileURLToPath(config.outDir);
			},
			'astro:server:setup': ({ server, logger }) => {
				// The dev server's API and /learn pages read the private artifact too: keep it current.
				const write = async () => {
					try {
						await writePrivate(await getCompiledCourse(), path.join(outDir, 'private'));
					} catch (error) {
						logger.error(error instanceof ContentValidationError ? error.message : String(error));
					}
				};
				void write();
				// What scripts/serve.ts does in production: a signed-in reader, or any reader of a premium page,
				// gets the server-rendered page (/learn/…), which checks the session and the tier.
				let premiumIds = new Set<string>();
				const refreshPremium = async () => {
					const course = await getCompiledCourse().catch(() => null);
					if (course) premiumIds = new Set(course.chapters.filter((c) => c.tier !== 'free').map((c) => c.id));
				};
				void refreshPremium();
				server.middlewares.use((req, _res, next) => {
					if (req.method === 'GET' || req.method === 'HEAD') {
						const url = new URL(req.url ?? '/', 'http://dev.invalid');
						const target = learnRewrite(url.pathname, premiumIds, hasSessionCookie(req.headers.cookie));
						if (target) req.url = `${target}${url.search}`;
					}
					next();
				});
				const contentDir = CONTENT_DIR;
				server.watcher.on('change', (file) => {
					if (file.startsWith(contentDir)) void write().then(refreshPremium);
				});
			},
			'astro:build:start': async ({ logger }) => {
				try {
					const { chapters, quizzes, warnings } = await getCompiledCourse();
					for (const warning of warnings) logger.warn(formatIssue(warning));
					logger.info(`course content valid: ${chapters.length} chapters, ${quizzes.length} quizzes`);
				} catch (error) {
					if (error instanceof ContentValidationError) {
						logger.error(error.message);
						throw new Error('Course content is invalid; fix the problems listed above (npm run check shows them too).');
					}
					throw error;
				}
			},
			'astro:build:done': async ({ dir, logger }) => {
				const compiled = await getCompiledCourse();
				const privateDir = path.join(outDir, 'private');
				await writePrivate(compiled, privateDir);
				logger.info(`private artifact written to ${path.relative(process.cwd(), privateDir)}`);
				await writeAssets(compiled.assets, fileURLToPath(dir));
				if (compiled.assets.length > 0) logger.info(`${compiled.assets.length} course assets published under ${ASSET_PREFIX}`);
				const { indexPublicSite } = await import('./content/pagefind.ts');
				const pages = await indexPublicSite(fileURLToPath(dir));
				logger.info(`pagefind indexed ${pages} pages`);
				const server = await bundleServer(outDir);
				logger.info(`production server compiled to ${path.relative(process.cwd(), server)}`);
			},
		},
	};
}
