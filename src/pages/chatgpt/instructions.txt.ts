/** The GPT's instructions for this course and origin (docs/chatgpt/README.md: paste them into the GPT editor). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIRoute } from 'astro';
import { renderInstructions } from '../../chatgpt/instructions.ts';
import { getCompiledCourse } from '../../content/course.ts';
import { SITE_ORIGIN } from '../../content/site-origin.ts';

export const prerender = true;

export const GET: APIRoute = async () => {
	const { course, chapters } = await getCompiledCourse();
	const template = await readFile(path.resolve('docs/chatgpt/instructions.md'), 'utf8');
	const text = renderInstructions(template, { title: course.title, chapters }, SITE_ORIGIN);
	return new Response(text, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
};
