/**
 * Content-Type and Cache-Control of every published object. Types come from `mrmime`, the table the
 * Node server (sirv) uses too, so the CDN and the server label a file the same way; a few files
 * it does not know (Pagefind's index chunks) are binary.
 */
import { lookup } from 'mrmime';

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'public, max-age=60, must-revalidate';
export const CACHE_PRIVATE = 'private, no-store';

/** Extensions mrmime does not map, or maps differently from what we serve. */
const OVERRIDES: Record<string, string> = {
	pagefind: 'application/octet-stream',
	pf_fragment: 'application/octet-stream',
	pf_index: 'application/octet-stream',
	pf_meta: 'application/octet-stream',
	ico: 'image/x-icon',
};

/** Types that carry text: our build writes UTF-8, so say so (R2 serves the stored header as is). */
const TEXT_TYPES = /^(text\/|application\/(json|xml|manifest\+json|ld\+json)$|image\/svg\+xml$)/;

/** @param key an object key or relative path with forward slashes, e.g. `chapters/getting-started/index.html` */
export function contentTypeFor(key: string): string {
	const name = key.slice(key.lastIndexOf('/') + 1);
	const dot = name.lastIndexOf('.');
	const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
	const type = OVERRIDES[ext] ?? (ext ? lookup(ext) : undefined) ?? 'application/octet-stream';
	return TEXT_TYPES.test(type) ? `${type}; charset=utf-8` : type;
}

/**
 * Files whose name changes whenever their bytes change, so they can be cached for a year:
 * Astro's bundles under `_astro/`, the course's images under `assets/` and Pagefind's index chunks (`en_19f7179.pf_fragment`,
 * `pagefind.en_9223935dff.pf_meta`). Pagefind's entry files (`pagefind.js`, `pagefind-entry.json`,
 * `wasm.en.pagefind`) keep their names across builds and must revalidate.
 */
export function isFingerprinted(key: string): boolean {
	if (key.startsWith('_astro/')) return true;
	// Chapter images and files: `crumb.3f9a1c0b2d4e5f60.jpg` (src/content/assets.ts).
	if (/^assets\/[^/]+\.[0-9a-f]{16}\.[a-z0-9]+$/.test(key)) return true;
	return /^pagefind\/(?:.*\/)?[^/]*_[0-9a-f]{7,}\.pf_(?:fragment|index|meta)$/.test(key);
}

export function cacheControlFor(key: string, visibility: 'public' | 'private'): string {
	if (visibility === 'private') return CACHE_PRIVATE;
	return isFingerprinted(key) ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}
