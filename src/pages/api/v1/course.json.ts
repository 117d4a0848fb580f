import { getCompiledCourse } from '../../../content/course.ts';
import { jsonFile } from '../../../content/static-json.ts';

export async function GET() {
	return jsonFile((await getCompiledCourse()).course, 'course.json');
}
