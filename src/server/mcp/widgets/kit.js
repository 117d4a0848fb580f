// Shared by every widget (inlined into each by src/server/mcp/widgets.ts): DOM building, reading tool
// results and talking to the host through window.openai. Text goes in as text nodes only.
// biome-ignore lint/correctness/noUnusedVariables: the widget script after it in the page uses it
const kit = (() => {
	const host = () => /** @type {any} */ (window).openai ?? {};

	/** el('p', { class: 'note', text: '…' }, child…): attributes set as given, false/null/undefined left out. */
	function el(tag, props = {}, ...children) {
		const node = document.createElement(tag);
		for (const [name, value] of Object.entries(props)) {
			if (name === 'text') node.textContent = value;
			else if (name === 'class') node.className = value;
			else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
		}
		for (const child of children) if (child) node.append(child);
		return node;
	}

	/**
	 * The data of a callTool response. Hosts answer with the MCP result (structuredContent) or with the
	 * Apps SDK's `{ result: string }`; our tools' text content is the same JSON. Errors (`_meta.error`,
	 * or an "Error <code>: …" text) come back as `{ error: { message } }`.
	 */
	function payloadOf(response) {
		if (!response || typeof response !== 'object') return null;
		// A tool error carries the API's error body in _meta.error (structuredContent is for results only).
		const failure = response._meta?.error;
		if (failure && typeof failure.message === 'string') return { error: { message: failure.message } };
		if (response.structuredContent && typeof response.structuredContent === 'object') return response.structuredContent;
		const text =
			typeof response.result === 'string'
				? response.result
				: Array.isArray(response.content)
					? response.content.find((c) => c && c.type === 'text')?.text
					: undefined;
		if (typeof text !== 'string') return null;
		try {
			return JSON.parse(text);
		} catch {
			// An error's text is "Error <code>: <sentence>" and maybe a "Details:" line: only the sentence is for learners.
			return { error: { message: text.split('\n')[0].replace(/^Error [\w-]+: /, '') } };
		}
	}

	/** Calls one of our tools; resolves to its data, or to `{ error: { message } }` when it could not run. */
	async function callTool(name, args) {
		const { callTool: call } = host();
		if (typeof call !== 'function') return { error: { message: 'This chat cannot run that from here: ask the tutor instead.' } };
		try {
			const response = await call(name, args);
			const payload = payloadOf(response);
			if (!payload) return { error: { message: 'Something went wrong. Please try again.' } };
			if (response.isError && !payload.error) return { error: { message: 'Something went wrong. Please try again.' } };
			return payload;
		} catch {
			return { error: { message: 'Something went wrong. Please try again.' } };
		}
	}

	/** A link to a page of the course site (the API gives site paths); opened through the host when it can. */
	function siteLink(path, text) {
		const origin = document.documentElement.dataset.origin || '';
		let href;
		try {
			href = new URL(path, origin || undefined).href;
		} catch {
			return el('span', { text });
		}
		if (!/^https?:/.test(href)) return el('span', { text });
		const link = el('a', { href, target: '_blank', rel: 'noopener noreferrer', text });
		link.addEventListener('click', (event) => {
			const { openExternal } = host();
			if (typeof openExternal !== 'function') return;
			event.preventDefault();
			openExternal({ href });
		});
		return link;
	}

	function applyTheme() {
		document.documentElement.dataset.theme = host().theme === 'dark' ? 'dark' : 'light';
	}

	/** Runs `update` now and whenever the host changes its globals (toolOutput, widgetState, theme…). */
	function onGlobals(update) {
		const run = () => {
			applyTheme();
			update(host());
		};
		window.addEventListener('openai:set_globals', run, { passive: true });
		run();
	}

	/** The sentence of a tool error the host rendered us for: the API's error body rides in _meta.error. */
	function failureOf(globals) {
		const failure = globals.toolOutput?.error ?? globals.toolResponseMetadata?.error;
		return failure && typeof failure.message === 'string' ? failure.message : null;
	}

	function saveState(state) {
		const { setWidgetState } = host();
		if (typeof setWidgetState === 'function') Promise.resolve(setWidgetState(state)).catch(() => {});
	}

	return { el, payloadOf, callTool, siteLink, onGlobals, failureOf, saveState, host };
})();
