/** `npm run check`: validates the course in content/ (or the directory given) and exits non-zero on any problem. */
import path from 'node:path';
import { compileCourse } from '../src/content/compile.ts';
import { ContentValidationError } from '../src/content/errors.ts';

const dir = path.resolve(process.argv[2] ?? 'content');
try {
	const { chapters, quizzes } = await compileCourse(dir);
	const questions = quizzes.reduce((n, q) => n + q.questions.length, 0);
	console.log(
		`✓ ${path.relative(process.cwd(), dir) || dir}: ${chapters.length} chapters, ${quizzes.length} quizzes, ${questions} questions — no problems found.`,
	);
} catch (error) {
	if (error instanceof ContentValidationError) {
		console.error(error.message);
		process.exit(1);
	}
	throw error;
}
