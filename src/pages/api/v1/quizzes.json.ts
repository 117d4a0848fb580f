import { getCompiledCourse } from '../../../content/course.ts';
import { quizSummary } from '../../../content/emit.ts';
import { jsonFile } from '../../../content/static-json.ts';

export async function GET() {
	const { quizzes } = await getCompiledCourse();
	return jsonFile({ quizzes: quizzes.map((q) => quizSummary(q)) }, 'quizzes.json');
}
