import type { APIRoute } from 'astro';

export const GET: APIRoute = ({ site }) => {
	const sitemap = new URL('/sitemap-index.xml', site).href;
	const body = `User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /dashboard\nDisallow: /account\nDisallow: /admin\nDisallow: /instructor\nDisallow: /learn/\n\nSitemap: ${sitemap}\n`;
	return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
};
