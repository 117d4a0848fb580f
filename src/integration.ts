/**
 * Wires the course compiler into Astro: validation fails the build with the author's messages,
 * `astro build` writes the private artifact and the Pagefind index, and `astro dev` reloads
 * the page when a file under content/ changes.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { ContentValidationError } from './content/errors.ts';
import { getCompiledCourse, invalidateCompiledCourse } from './content/course.ts';
import { writePrivateArtifact } from './content/emit.ts';
import { buildSearchIndex } from './content/search-index.ts';

export function courseIntegration(): AstroIntegration {
	let outDir = '';
	return {
		name: 'course-companion',
		hooks: {
			'astro:config:setup': ({ updateConfig }) => {
				const contentDir = path.resolve('content');
				updateConfig({
					vite: {
						plugins: [
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
						const compiled = await getCompiledCourse();
						const privateDir = path.join(outDir, 'private');
						await writePrivateArtifact(compiled, privateDir);
						await buildSearchIndex(compiled, privateDir);
					} catch (error) {
						logger.error(error instanceof ContentValidationError ? error.message : String(error));
					}
				};
				void write();
				const contentDir = path.resolve('content');
				server.watcher.on('change', (file) => {
					if (file.startsWith(contentDir)) void write();
				});
			},
			'astro:build:start': async ({ logger }) => {
				try {
					const { chapters, quizzes } = await getCompiledCourse();
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
				await writePrivateArtifact(compiled, privateDir);
				await buildSearchIndex(compiled, privateDir);
				logger.info(`private artifact written to ${path.relative(process.cwd(), privateDir)}`);
				const { indexPublicSite } = await import('./content/pagefind.ts');
				const pages = await indexPublicSite(fileURLToPath(dir));
				logger.info(`pagefind indexed ${pages} pages`);
			},
		},
	};
}
