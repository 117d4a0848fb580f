import type { APIRoute } from 'astro';
import { chapterPaths, jsonFile, neighbour } from '../../../../../content/static-json.ts';

export const getStaticPaths = chapterPaths;
export const GET: APIRoute = async ({ params }) => jsonFile(await neighbour(params.id, 'next'), 'next.json');
