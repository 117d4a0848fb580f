// @ts-check
import node from '@astrojs/node';
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { SITE_ORIGIN } from './src/content/site-origin.ts';
import { courseIntegration } from './src/integration.ts';

/** The public origin (https in production); sitemap, canonical links and absolute URLs in the JSON use it. */
const site = SITE_ORIGIN;

export default defineConfig({
	site,
	output: 'static',
	// A backstop: every handler reads bodies bounded (src/server/http/body.ts) far below this.
	adapter: node({ mode: 'middleware', bodySizeLimit: 1024 * 1024 }),
	trailingSlash: 'ignore',
	build: { format: 'directory' },
	server: { host: process.env.HOST ?? 'localhost', port: Number(process.env.PORT ?? 4321) },
	// CSRF is checked in src/middleware.ts: Astro's checkOrigin also refuses the Origin-less
	// server-to-server POST that ChatGPT makes to /oauth/token (docs/decisions/0003-csrf.md).
	security: { checkOrigin: false },
	markdown: { syntaxHighlight: { type: 'prism' } },
	integrations: [
		sitemap({
			// Only what a search engine should index: the course's own pages. Accounts, dashboards and every
			// signed-in page stay out, including ones added later.
			filter: (page) => /^\/(?:(?:chapters|quizzes)\/[^/]+\/|search\/|privacy\/)?$/.test(new URL(page).pathname),
		}),
		courseIntegration(),
	],
	devToolbar: { enabled: false },
});
