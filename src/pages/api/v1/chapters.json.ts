import { chapterListPagesOfCourse, jsonFile } from '../../../content/static-json.ts';

/** Page 1 of the chapter list; `next` links the rest (chapters/pages/[page].json.ts). */
export async function GET() {
	const [first] = await chapterListPagesOfCourse();
	return jsonFile(first, 'chapters.json');
}
