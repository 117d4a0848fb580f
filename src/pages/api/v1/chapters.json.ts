import { getCompiledCourse } from '../../../content/course.ts';
import { chapterSummary } from '../../../content/emit.ts';
import { jsonFile } from '../../../content/static-json.ts';

export async function GET() {
	const { chapters } = await getCompiledCourse();
	return jsonFile({ chapters: chapters.map(chapterSummary) }, 'chapters.json');
}
