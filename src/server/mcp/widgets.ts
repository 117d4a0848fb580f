/**
 * Apps SDK widgets: a quiz and a progress view that ChatGPT renders in the conversation. Each is one
 * self-contained HTML file (inline CSS and JS, no network) served as a `ui://` resource with the Apps SDK
 * MIME type and named by the tools' `_meta["openai/outputTemplate"]`. A widget only renders tool output
 * (`window.openai.toolOutput`) and calls tools through `window.openai.callTool`: no answer key ever reaches it.
 * Why the Apps SDK keys and not MCP Apps: docs/decisions/0015-apps-sdk-widgets.md.
 */
import { createHash } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import kitCss from './widgets/kit.css?raw';
import kitJs from './widgets/kit.js?raw';
import progressHtml from './widgets/progress.html?raw';
import quizHtml from './widgets/quiz.html?raw';

/** The Apps SDK's MIME type for a component template: ChatGPT injects `window.openai` into it. */
export const APPS_SDK_MIME = 'text/html+skybridge';

/** A widget file with the shared kit (styles and the window.openai helpers) inlined: one file per widget. */
function compose(html: string): string {
	return html.replace('<!-- widget-kit -->', () => `<style>\n${kitCss}</style>\n\t\t<script>\n${kitJs}</script>`);
}

interface Widget {
	name: string;
	title: string;
	description: string;
	html: string;
	/** The tool whose output the widget renders. */
	tool: string;
	invoking: string;
	invoked: string;
}

const WIDGETS: Widget[] = [
	{
		name: 'quiz',
		title: 'Quiz',
		description: 'Shows a quiz’s questions, lets the learner answer and submit them, then shows the graded result.',
		html: compose(quizHtml),
		tool: 'getQuiz',
		invoking: 'Opening the quiz…',
		invoked: 'Quiz ready',
	},
	{
		name: 'progress',
		title: 'Progress',
		description: 'Shows the learner’s progress through the course, their streak and the next step.',
		html: compose(progressHtml),
		tool: 'getProgress',
		invoking: 'Checking your progress…',
		invoked: 'Progress ready',
	},
];

/** Tools the widgets call themselves through `window.openai.callTool`. */
const CALLED_FROM_WIDGETS = ['startQuiz', 'submitQuiz', 'getStreak'];

/**
 * `ui://widget/<name>.<hash>.html`: ChatGPT caches a template by its URI, so a changed widget gets a new
 * URI and is fetched again (the Apps SDK docs advise a new URI for every breaking change).
 */
function widgetUri(widget: Widget): string {
	const hash = createHash('sha256').update(widget.html).digest('hex').slice(0, 10);
	return `ui://widget/${widget.name}.${hash}.html`;
}

/** Extra `_meta` for a tool's descriptor: the template it renders with, and whether widgets may call it. */
export function widgetToolMeta(operationId: string): Record<string, unknown> {
	const widget = WIDGETS.find((w) => w.tool === operationId);
	const meta: Record<string, unknown> = {};
	if (widget) {
		meta['openai/outputTemplate'] = widgetUri(widget);
		meta['openai/toolInvocation/invoking'] = widget.invoking;
		meta['openai/toolInvocation/invoked'] = widget.invoked;
	}
	if (widget || CALLED_FROM_WIDGETS.includes(operationId)) meta['openai/widgetAccessible'] = true;
	return meta;
}

/**
 * The sandbox rules ChatGPT applies to the widget iframe. The widgets fetch nothing and load nothing
 * (empty connect and resource lists); the only place they send the learner is this site's own pages (the
 * section that teaches a question), through `openai.openExternal`. Both spellings: `openai/widgetCSP`
 * (snake_case, which ChatGPT still reads) and `ui.csp` (MCP Apps, camelCase).
 */
function resourceMeta(widget: Widget, origin: string) {
	return {
		'openai/widgetDescription': widget.description,
		'openai/widgetPrefersBorder': true,
		'openai/widgetDomain': origin,
		'openai/widgetCSP': { connect_domains: [], resource_domains: [], redirect_domains: [origin] },
		ui: { prefersBorder: true, domain: origin, csp: { connectDomains: [], resourceDomains: [], redirectDomains: [origin] } },
	};
}

const escapeAttribute = (value: string) =>
	value.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c] as string);

/** The widget's HTML with the site origin filled in, so it can turn the API's site paths into links. */
export function widgetHtml(widget: { html: string }, origin: string): string {
	return widget.html.replace('data-origin=""', `data-origin="${escapeAttribute(origin)}"`);
}

/** Registers every widget as a fixed `ui://` resource (public: the templates hold no learner data). */
export function registerWidgetResources(server: McpServer, origin: string): void {
	for (const widget of WIDGETS) {
		const uri = widgetUri(widget);
		const _meta = resourceMeta(widget, origin);
		server.registerResource(
			`${widget.name}-widget`,
			uri,
			{ title: `${widget.title} widget`, description: widget.description, mimeType: APPS_SDK_MIME, _meta },
			async () => ({ contents: [{ uri, mimeType: APPS_SDK_MIME, text: widgetHtml(widget, origin), _meta }] }),
		);
	}
}
