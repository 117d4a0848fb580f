import { jsonFile, quizListPagesOfCourse } from '../../../content/static-json.ts';

/** Page 1 of the quiz list; `next` links the rest (quizzes/pages/[page].json.ts). */
export async function GET() {
	const [first] = await quizListPagesOfCourse();
	return jsonFile(first, 'quizzes.json');
}
