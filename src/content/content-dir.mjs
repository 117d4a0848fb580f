/**
 * The course a build compiles: content/, or the directory in CONTENT_DIR (the tests build fixture courses).
 * Plain JavaScript so scripts/start.mjs reads it without loading TypeScript (decision 0040).
 */
import path from 'node:path';

export const CONTENT_DIR = path.resolve(process.env.CONTENT_DIR ?? 'content');
