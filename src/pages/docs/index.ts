import type { APIRoute } from 'astro';

export const prerender = false;

/** The interactive API reference (Swagger UI from swagger-ui-dist) over the same generated document. */
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>API reference · Course Companion</title>
<meta name="description" content="Interactive reference of the Course Companion API (OpenAPI 3.1)." />
<link rel="stylesheet" href="/docs/swagger-ui.css" />
</head>
<body>
<main id="swagger-ui"></main>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs-init.js"></script>
</body>
</html>`;

export const GET: APIRoute = () =>
	new Response(page, {
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'public, max-age=300',
			// Swagger UI sets inline styles on some elements; scripts stay same-origin.
			'content-security-policy':
				"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
		},
	});
