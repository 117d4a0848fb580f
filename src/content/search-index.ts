/** The build's entry to the server-side search index (written into the private artifact). */
export { buildSearchIndex } from '../search/index-builder.ts';
