/**
 * Every chapter as an MCP resource, `course://chapters/<id>`, in markdown. Listing is open to
 * all (titles and summaries are public); reading a premium chapter needs a tier that includes it.
 */
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Section } from '../../content/schemas.ts';
import { ApiError } from '../api/errors.ts';
import { assertCanRead } from '../operations/shared.ts';
import { getServices } from '../services.ts';
import { bearerChallenge, WWW_AUTHENTICATE_META } from './auth.ts';
import type { McpCallContext } from './tools.ts';

export const CHAPTER_URI_PREFIX = 'course://chapters/';
export const MARKDOWN = 'text/markdown';

/** JSON-RPC error codes: -32002 is MCP's "resource not found"; access refusals use invalid request. */
const RESOURCE_NOT_FOUND = -32002;
const ACCESS_REFUSED = -32600;

/** A chapter's sections joined back into one markdown document (split parts keep one heading). */
export function chapterMarkdown(title: string, sections: Section[]): string {
	const blocks: string[] = [];
	if (sections[0]?.depth !== 1) blocks.push(`# ${title}`);
	for (const section of sections) {
		if (section.part === undefined || section.part === 1) blocks.push(`${'#'.repeat(section.depth)} ${section.heading}`);
		blocks.push(section.markdown.trim());
	}
	return `${blocks.join('\n\n')}\n`;
}

export function registerResources(server: McpServer, ctx: McpCallContext): void {
	server.registerResource(
		'chapter',
		new ResourceTemplate(`${CHAPTER_URI_PREFIX}{id}`, {
			list: async () => {
				const { content } = await getServices();
				const { chapters } = await content.manifest();
				return {
					resources: chapters.map((c) => ({
						uri: `${CHAPTER_URI_PREFIX}${c.id}`,
						name: c.id,
						title: c.title,
						description: `${c.summary} (${c.tier === 'free' ? 'free' : `${c.tier} tier`})`,
						mimeType: MARKDOWN,
						_meta: { tier: c.tier, order: c.order, url: `${ctx.origin}${c.url}` },
					})),
				};
			},
		}),
		{ title: 'Course chapter', description: 'The full text of one chapter as markdown.', mimeType: MARKDOWN },
		async (uri, variables) => {
			const id = String(Array.isArray(variables.id) ? variables.id[0] : variables.id);
			const { content } = await getServices();
			const manifest = await content.manifest();
			const meta = manifest.chapters.find((c) => c.id === id);
			if (!meta) throw new McpError(RESOURCE_NOT_FOUND, `Chapter "${id}" was not found.`, { uri: uri.href });
			try {
				assertCanRead(manifest, ctx.user, meta.tier, `Chapter "${meta.title}"`);
			} catch (error) {
				if (!(error instanceof ApiError)) throw error;
				const challenge =
					error.status === 401 ? { [WWW_AUTHENTICATE_META]: [bearerChallenge(ctx.origin, 'insufficient_scope', error.message)] } : {};
				throw new McpError(ACCESS_REFUSED, error.message, { code: error.code, ...(error.details as object), ...challenge });
			}
			const body = await content.chapter(meta.id);
			if (!body) throw new McpError(RESOURCE_NOT_FOUND, `The text of chapter "${id}" was not found.`, { uri: uri.href });
			return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text: chapterMarkdown(meta.title, body.sections) }] };
		},
	);
}
