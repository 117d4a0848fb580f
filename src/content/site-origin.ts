/** The public origin (https in production): canonical links, the sitemap, absolute URLs in the JSON for ChatGPT. */
export const SITE_ORIGIN = (process.env.PUBLIC_ORIGIN ?? 'http://localhost:4321').replace(/\/+$/, '');
