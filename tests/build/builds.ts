/**
 * The builds the build-output suites check. The build of content/ (`npm run build` → dist/) must pass
 * them whatever valid course an author keeps there, so they derive every expectation from that course
 * (compileCourse). The demo fixture build (tests/helpers/fixture-build.ts) passes the same checks and,
 * because its course is known to have free and premium chapters and quizzes with plenty of prose, also
 * the ones that mean little on a course without them (a leak scan with nothing premium to find).
 */
import path from 'node:path';
import { CONTENT_DIR } from '../../src/content/course.ts';
import { DEMO_COURSE, ROOT, TEST_DIST_DIR } from '../helpers/fixture-build.ts';

export interface BuildUnderTest {
	name: string;
	/** dist-shaped: client/, server/, private/. */
	dist: string;
	/** The course it was built from. */
	contentDir: string;
}

export const CONTENT_BUILD: BuildUnderTest = {
	name: 'the build of content/ (dist)',
	dist: path.join(ROOT, 'dist'),
	contentDir: CONTENT_DIR,
};
export const DEMO_BUILD: BuildUnderTest = { name: 'the demo fixture build', dist: TEST_DIST_DIR, contentDir: DEMO_COURSE };
export const BUILDS = [CONTENT_BUILD, DEMO_BUILD];
