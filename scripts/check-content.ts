/** `npm run check`: validates the course in content/ (or CONTENT_DIR, or the directory given) and exits non-zero on any problem. */
import path from 'node:path';
import { compileCourse } from '../src/content/compile.ts';
import { CONTENT_DIR } from '../src/content/course.ts';
import { ContentValidationError, formatIssue } from '../src/content/errors.ts';

const dir = path.resolve(process.argv[2] ?? CONTENT_DIR);
try {
	const { chapters, quizzes, warnings, assets } = await compileCourse(dir);
	for (const warning of warnings) console.warn(`  - ${formatIssue(warning)}`);
	const questions = quizzes.reduce((n, q) => n + q.questions.length, 0);
	console.log(
		`✓ ${path.relative(process.cwd(), dir) || dir}: ${chapters.length} chapters, ${quizzes.length} quizzes, ${questions} questions, ${assets.length} images and files — no problems found${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'} above)` : ''}.`,
	);
} catch (error) {
	if (error instanceof ContentValidationError) {
		for (const warning of error.warnings) console.warn(`  - ${formatIssue(warning)}`);
		console.error(error.message);
		process.exit(1);
	}
	throw error;
}
