import type { APIRoute } from 'astro';

export const prerender = false;

/**
 * The interactive API reference (Scalar) over the same generated document. Scalar injects its own
 * styles at run time, so this one page allows inline styles; scripts stay same-origin.
 */
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>API reference · Course Companion</title>
<meta name="description" content="Interactive reference of the Course Companion API (OpenAPI 3.1)." />
</head>
<body>
<div id="app"></div>
<script src="/docs/scalar.js"></script>
<script src="/docs-init.js"></script>
</body>
</html>`;

export const GET: APIRoute = () =>
	new Response(page, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'public, max-age=300',
			'content-security-policy':
				"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
		},
	});
