/**
 * Every authoring rule, one test each: the good fixture with exactly one thing broken must be rejected
 * with an issue that names the file, the field, the line and says what to do.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCourse } from '../../../src/content/compile.ts';
import { type ContentIssue, ContentValidationError } from '../../../src/content/errors.ts';
import {
	type CourseFixture,
	copyWith,
	courseFixture,
	edit,
	GOOD_FIXTURE,
	removeCourseFixtures,
	replace,
} from '../../helpers/content-fixture.ts';

afterAll(removeCourseFixtures);

const BASICS = 'chapters/01-basics.md';
const ADVANCED = 'chapters/02-advanced.md';
const BONUS = 'chapters/03-bonus.md';
const BASICS_QUIZ = 'quizzes/basics.yaml';
const ADVANCED_QUIZ = 'quizzes/advanced.yaml';

/** Compiles the fixture (paths relative to it) and returns the issues it was rejected with. */
async function issuesOf(fixture: CourseFixture): Promise<ContentIssue[]> {
	const error = await compileCourse(fixture.dir, fixture.dir).then(
		() => null,
		(e: unknown) => e,
	);
	expect(error, 'compileCourse should have rejected the course').toBeInstanceOf(ContentValidationError);
	return (error as ContentValidationError).issues;
}

/** The fixture breaks one rule, so the compiler must report exactly one issue, and this one. */
async function expectOnlyIssue(fixture: CourseFixture, expected: { file: string; field: string; line: number; message: RegExp }) {
	const issues = await issuesOf(fixture);
	expect(issues).toHaveLength(1);
	const [issue] = issues as [ContentIssue];
	expect({ file: issue.file, field: issue.field, line: issue.line }).toEqual({
		file: expected.file,
		field: expected.field,
		line: expected.line,
	});
	expect(issue.message).toMatch(expected.message);
	return issue;
}

describe('the good fixture', () => {
	it('compiles: tiers, reading order, sections, quizzes and their answer keys', async () => {
		const { course, chapters, quizzes } = await compileCourse(GOOD_FIXTURE, GOOD_FIXTURE);
		expect(course).toMatchObject({ id: 'tiny-course', freeChapters: 1, chapterCount: 3, totalMinutes: 15 });
		expect(course.tiers.map((t) => t.id)).toEqual(['free', 'premium', 'pro']);
		expect(chapters.map((c) => [c.id, c.tier, c.previous, c.next])).toEqual([
			['basics', 'free', null, 'advanced'],
			['advanced', 'premium', 'basics', 'bonus'],
			// order 3 is past free_chapters, but the frontmatter's `tier: free` wins
			['bonus', 'free', 'advanced', null],
		]);
		const basics = chapters[0];
		expect(basics?.sections.map((s) => [s.depth, s.heading, s.anchor])).toEqual([
			[1, 'The Basics', ''],
			[2, 'First Steps', 'first-steps'],
			[3, 'A Subsection', 'a-subsection'],
		]);
		// the `# a comment` inside the fenced block stayed code
		expect(basics?.sections[1]?.markdown).toContain('# a comment in a code block is not a heading');
		expect(quizzes.map((q) => [q.id, q.tier, q.passMark, q.questions.map((x) => x.correct)])).toEqual([
			['basics', 'free', 70, [['first-steps'], ['basics', 'advanced'], ['false']]],
			['advanced', 'premium', 70, [['basics']]],
		]);
	});
});

describe('chapters', () => {
	it('rejects a duplicate chapter id', async () => {
		const fx = courseFixture(copyWith(BASICS, 'chapters/04-copy.md', ['order: 1', 'order: 4']));
		await expectOnlyIssue(fx, {
			file: 'chapters/04-copy.md',
			field: 'id',
			line: fx.lineOf('chapters/04-copy.md', 'id: basics'),
			message: /duplicate chapter id "basics": already used by chapters\/01-basics\.md/,
		});
	});

	it('rejects a duplicate chapter order', async () => {
		const fx = courseFixture(copyWith(BONUS, 'chapters/04-extra.md', ['id: bonus', 'id: extra'], ['order: 3', 'order: 2']));
		await expectOnlyIssue(fx, {
			file: 'chapters/04-extra.md',
			field: 'order',
			line: fx.lineOf('chapters/04-extra.md', 'order: 2'),
			message: /duplicate chapter order "2": already used by chapters\/02-advanced\.md/,
		});
	});

	it('rejects an unknown tier in chapter frontmatter', async () => {
		const fx = courseFixture(replace(BONUS, 'tier: free', 'tier: gold'));
		await expectOnlyIssue(fx, {
			file: BONUS,
			field: 'tier',
			line: fx.lineOf(BONUS, 'tier: gold'),
			message: /"free".*"premium".*"pro".*"team"/,
		});
	});

	it('rejects a # heading in the body (the title comes from the frontmatter)', async () => {
		const fx = courseFixture(replace(BASICS, 'More text under a subsection.', '# Not A Title\n\nMore text under a subsection.'));
		await expectOnlyIssue(fx, {
			file: BASICS,
			field: 'body',
			line: fx.lineOf(BASICS, '# Not A Title'),
			message: /use ##, ### and #### for sections/,
		});
	});

	it('rejects an unknown frontmatter field and names the misspelt key', async () => {
		const fx = courseFixture(replace(BASICS, 'keywords: [basics, introduction]', 'keyword: [basics, introduction]'));
		await expectOnlyIssue(fx, {
			file: BASICS,
			field: 'keyword',
			line: fx.lineOf(BASICS, 'keyword:'),
			message: /unknown field "keyword" \(check the spelling\)/,
		});
	});

	it('rejects a missing required frontmatter field', async () => {
		const fx = courseFixture(replace(ADVANCED, 'minutes: 7\n', ''));
		await expectOnlyIssue(fx, {
			file: ADVANCED,
			field: 'minutes',
			// the field is absent, so the issue points at the start of the frontmatter
			line: fx.lineOf(ADVANCED, 'id: advanced'),
			message: /is required/,
		});
	});

	it('rejects an internal link to an unknown chapter', async () => {
		const fx = courseFixture(replace(ADVANCED, '[start](/chapters/basics)', '[start](/chapters/basic)'));
		await expectOnlyIssue(fx, {
			file: ADVANCED,
			field: 'body',
			line: fx.lineOf(ADVANCED, 'Back to the [start]'),
			message: /broken link \/chapters\/basic: no chapter has id "basic"/,
		});
	});

	it('rejects an internal link to an unknown anchor and lists the real ones', async () => {
		const fx = courseFixture(replace(ADVANCED, '/chapters/basics#first-steps', '/chapters/basics#first-step'));
		await expectOnlyIssue(fx, {
			file: ADVANCED,
			field: 'body',
			line: fx.lineOf(ADVANCED, '/chapters/basics#first-step'),
			message:
				/chapter "basics" has no heading with anchor "#first-step"; did you mean "#first-steps"\?; its anchors include: .*first-steps/,
		});
	});
	it('rejects a link to the quiz of a chapter that has none', async () => {
		const fx = courseFixture(replace(BONUS, 'A short bonus section.', 'A short bonus section. Try [the quiz](/quizzes/bonus).'));
		await expectOnlyIssue(fx, {
			file: BONUS,
			field: 'body',
			line: fx.lineOf(BONUS, '[the quiz]'),
			message: /broken link \/quizzes\/bonus: chapter "bonus" has no quiz/,
		});
	});

	it('reports a chapter with broken frontmatter once, not again in every quiz and link that names it', async () => {
		// basics has a quiz and advanced links to it twice: none of those may be reported as unknown.
		const fx = courseFixture(replace(BASICS, 'summary: What the tiny course covers', 'summary: Note: what the tiny course covers'));
		await expectOnlyIssue(fx, {
			file: BASICS,
			field: '',
			line: fx.lineOf(BASICS, 'summary: Note:'),
			message: /^invalid YAML: /,
		});
	});
});

describe('course.yaml', () => {
	it('rejects an unknown tier id', async () => {
		const fx = courseFixture(replace('course.yaml', '  - id: pro\n', '  - id: gold\n'));
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[2].id',
			line: fx.lineOf('course.yaml', 'id: gold'),
			message: /"free".*"premium".*"pro".*"team"/,
		});
	});

	it('rejects tiers listed out of order', async () => {
		const fx = courseFixture(
			edit('course.yaml', (t) => t.replace(/- id: (premium|pro)\n/g, (_, id) => `- id: ${id === 'pro' ? 'premium' : 'pro'}\n`)),
		);
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers',
			line: fx.lineOf('course.yaml', 'tiers:'),
			message: /tiers must be listed once each, in order free < premium < pro < team; got free, pro, premium/,
		});
	});

	it('accepts a checkout_url on a paid tier: the public tier points at the site page that starts paying, the provider link stays private', async () => {
		const fx = courseFixture(
			replace('course.yaml', '      - Every chapter\n', '      - Every chapter\n    checkout_url: https://buy.stripe.com/test_abc\n'),
		);
		const compiled = await compileCourse(fx.dir, fx.dir);
		expect(compiled.course.tiers.map((t) => [t.id, t.checkoutUrl])).toEqual([
			['free', null],
			['premium', '/checkout/premium'],
			['pro', null],
		]);
		expect(compiled.checkout).toEqual({ premium: 'https://buy.stripe.com/test_abc' });
	});

	it('rejects a checkout_url that is not https', async () => {
		const fx = courseFixture(
			replace('course.yaml', '      - Every chapter\n', '      - Every chapter\n    checkout_url: http://buy.stripe.com/test_abc\n'),
		);
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[1].checkout_url',
			line: fx.lineOf('course.yaml', 'checkout_url:'),
			message: /https:\/\/ address of the checkout page/,
		});
	});

	it.each([
		[
			'a number of streak freezes the tier does not give',
			'      - Everything in Premium\n',
			'      - Everything in Premium\n      - 2 streak freezes a month\n',
			2,
			1,
			/"2 streak freezes a month": streak_freezes_per_month is 5/,
		],
		[
			'a lower tier that does not exist',
			'      - Everything in Premium\n',
			'      - Everything in Gold\n',
			2,
			0,
			/"Everything in Gold": no lower tier is called "gold"; expected one of: Free, Premium/,
		],
		[
			'unlimited attempts on a limited tier',
			'      - The first chapter\n',
			'      - The first chapter\n      - Unlimited quiz attempts\n',
			0,
			1,
			/quiz_attempts_per_day is 3, not unlimited/,
		],
	])('rejects a tier benefit that contradicts its own fields: %s', async (_label, find, replacement, tier, line, message) => {
		const fx = courseFixture(replace('course.yaml', find, replacement));
		const text = replacement.trimEnd().split('\n').at(-1)?.trim() as string;
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: `tiers[${tier}].includes[${line}]`,
			line: fx.lineOf('course.yaml', text),
			message,
		});
	});

	it('warns, without failing the build, when a chapter count in a benefit no longer matches the course', async () => {
		const fx = courseFixture(
			replace('course.yaml', '      - The first chapter\n', '      - The first three chapters\n'),
			replace('course.yaml', '      - Every chapter\n', '      - All two chapters\n'),
		);
		const { warnings } = await compileCourse(fx.dir, fx.dir);
		expect(warnings.map((w) => [w.field, w.line, w.severity, w.message])).toEqual([
			[
				'tiers[0].includes[0]',
				fx.lineOf('course.yaml', 'The first three'),
				'warning',
				'"The first three chapters": this tier opens the first 1 chapter',
			],
			[
				'tiers[1].includes[0]',
				fx.lineOf('course.yaml', 'All two'),
				'warning',
				'"All two chapters": the course has 3 chapters and this tier opens 3 (write "Every chapter" to stay true as the course grows)',
			],
		]);
	});

	const TEAM_TIER_YAML = (lines: string) =>
		`  - id: team\n    name: Team\n    price_monthly: 49\n    includes:\n      - Everything in Pro\n${lines}`;
	const appendTeam = (lines: string) => edit('course.yaml', (t) => `${t.trimEnd()}\n${TEAM_TIER_YAML(lines)}`);

	it('takes the team tier’s seats from course.yaml into the public tier', async () => {
		const fx = courseFixture(appendTeam('      - 4 seats in one team\n    seats: 4\n'));
		const compiled = await compileCourse(fx.dir, fx.dir);
		expect(compiled.course.tiers.map((t) => [t.id, t.seats])).toEqual([
			['free', null],
			['premium', null],
			['pro', null],
			['team', 4],
		]);
	});

	it('rejects a team tier without seats, at the tier’s line', async () => {
		const fx = courseFixture(appendTeam(''));
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[3]',
			line: fx.lineOf('course.yaml', 'id: team'),
			message: /the team tier needs seats: how many accounts one team holds, its owner included/,
		});
	});

	it('rejects seats on a tier other than team', async () => {
		const fx = courseFixture(replace('course.yaml', '      - Every chapter\n', '      - Every chapter\n    seats: 5\n'));
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[1].seats',
			line: fx.lineOf('course.yaml', 'seats: 5'),
			message: /only the team tier has seats/,
		});
	});

	it('rejects a seat count in a benefit that contradicts seats', async () => {
		const fx = courseFixture(appendTeam('      - 10 seats, invite your team by link or email\n    seats: 4\n'));
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[3].includes[1]',
			line: fx.lineOf('course.yaml', '10 seats'),
			message: /"10 seats, invite your team by link or email": seats is 4/,
		});
	});

	it('rejects a checkout_url on the free tier', async () => {
		const fx = courseFixture(
			replace(
				'course.yaml',
				'    quiz_attempts_per_day: 3\n',
				'    quiz_attempts_per_day: 3\n    checkout_url: https://buy.stripe.com/test_abc\n',
			),
		);
		await expectOnlyIssue(fx, {
			file: 'course.yaml',
			field: 'tiers[0].checkout_url',
			line: fx.lineOf('course.yaml', 'checkout_url:'),
			message: /the free tier has nothing to pay for/,
		});
	});
});

describe('quizzes', () => {
	it('rejects a "single" question with no correct option', async () => {
		const fx = courseFixture(replace(BASICS_QUIZ, 'text: First Steps\n        correct: true\n', 'text: First Steps\n'));
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[0].options',
			line: fx.lineOf(BASICS_QUIZ, 'options:'),
			message: /a "single" question needs exactly one option with "correct: true"; question "first-section" has 0/,
		});
	});

	it('rejects a "single" question with two correct options', async () => {
		const fx = courseFixture(replace(BASICS_QUIZ, 'text: Wrapping Up\n', 'text: Wrapping Up\n        correct: true\n'));
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[0].options',
			line: fx.lineOf(BASICS_QUIZ, 'options:'),
			message: /exactly one option with "correct: true"; question "first-section" has 2/,
		});
	});

	it('rejects a "multiple" question with no correct option', async () => {
		const fx = courseFixture(
			replace(BASICS_QUIZ, 'text: basics\n        correct: true\n', 'text: basics\n'),
			replace(BASICS_QUIZ, 'text: advanced\n        correct: true\n', 'text: advanced\n'),
		);
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[1].options',
			line: fx.lineOf(BASICS_QUIZ, 'options:', 2),
			message: /a "multiple" question needs at least one option with "correct: true"; question "chapter-ids" has none/,
		});
	});

	it('rejects a question without an explanation', async () => {
		const fx = courseFixture(replace(BASICS_QUIZ, '    explanation: The course has basics, advanced and bonus.\n', ''));
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[1].explanation',
			// the field is absent, so the issue points at its question
			line: fx.lineOf(BASICS_QUIZ, '- id: chapter-ids'),
			message: /is required/,
		});
	});

	it('rejects a quiz for an unknown chapter and lists the chapter ids', async () => {
		const fx = courseFixture(replace(ADVANCED_QUIZ, 'chapter: advanced', 'chapter: advanced-topics'));
		await expectOnlyIssue(fx, {
			file: ADVANCED_QUIZ,
			field: 'chapter',
			line: 1,
			message: /no chapter has id "advanced-topics"; expected one of: basics, advanced, bonus/,
		});
	});

	it('rejects two quizzes for one chapter', async () => {
		const fx = courseFixture(copyWith(ADVANCED_QUIZ, 'quizzes/second-basics-quiz.yaml', ['chapter: advanced', 'chapter: basics']));
		await expectOnlyIssue(fx, {
			file: 'quizzes/second-basics-quiz.yaml',
			field: 'chapter',
			line: 1,
			message: /duplicate quiz for chapter "basics": already used by quizzes\/basics\.yaml/,
		});
	});

	it('rejects a duplicate question id', async () => {
		const fx = courseFixture(replace(BASICS_QUIZ, '- id: chapter-ids', '- id: first-section'));
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[1].id',
			line: fx.lineOf(BASICS_QUIZ, '- id: first-section', 2),
			message: /duplicate question id "first-section"/,
		});
	});

	it('rejects a duplicate option id', async () => {
		const fx = courseFixture(replace(BASICS_QUIZ, '- id: expert', '- id: basics'));
		await expectOnlyIssue(fx, {
			file: BASICS_QUIZ,
			field: 'questions[1].options[2].id',
			line: fx.lineOf(BASICS_QUIZ, '- id: basics', 2),
			message: /duplicate option id "basics" in question "chapter-ids"/,
		});
	});

	it('rejects invalid YAML with the line of the mistake', async () => {
		// An unquoted colon-space inside a plain value: the commonest YAML slip in prose.
		const fx = courseFixture(
			replace(ADVANCED_QUIZ, 'prompt: What does the second step build on?', 'prompt: Second step: what does it build on?'),
		);
		await expectOnlyIssue(fx, {
			file: ADVANCED_QUIZ,
			field: '',
			line: fx.lineOf(ADVANCED_QUIZ, 'prompt: Second step:'),
			message: /^invalid YAML: /,
		});
	});

	it('gives the line of invalid YAML in chapter frontmatter, counted from the top of the file', async () => {
		const fx = courseFixture(replace(BONUS, 'summary: A late chapter', 'summary: Note: a late chapter'));
		await expectOnlyIssue(fx, {
			file: BONUS,
			field: '',
			line: fx.lineOf(BONUS, 'summary: Note:'),
			message: /^invalid YAML: /,
		});
	});
});

describe('question types, pools, shuffle and partial credit', () => {
	const WRITTEN = `
  - id: rest-name
    type: short
    prompt: What is the rest called?
    accept: [autolyse, Autolysis]
    explanation: An autolyse.
  - id: hydration
    type: numeric
    prompt: What is the hydration?
    answer: 72.5
    tolerance: 0.5
    feedback: Divide water by flour.
    explanation: 400 / 550.
`;
	const withWritten = edit(ADVANCED_QUIZ, (t) => `${t.trimEnd()}\n${WRITTEN}`);
	const header = (text: string) => edit(ADVANCED_QUIZ, (t) => t.replace('chapter: advanced\n', `chapter: advanced\n${text}`));

	it('compiles short and numeric questions, a pool, shuffled options and partial scoring into the private key', async () => {
		const fx = courseFixture(withWritten, header('draw: 2\nshuffle_options: true\nmultiple_scoring: partial\n'));
		const compiled = await compileCourse(fx.dir, fx.dir);
		const quiz = compiled.quizzes.find((q) => q.id === 'advanced');
		expect(quiz).toMatchObject({ draw: 2, multipleScoring: 'partial' });
		expect(quiz?.questions.map((q) => [q.id, q.type, q.shuffle ?? false])).toEqual([
			['second-step', 'single', true],
			['rest-name', 'short', false],
			['hydration', 'numeric', false],
		]);
		expect(quiz?.questions[1]).toMatchObject({ options: [], correct: [], accept: ['autolyse', 'Autolysis'] });
		expect(quiz?.questions[2]).toMatchObject({ answer: 72.5, tolerance: 0.5, feedback: { answer: 'Divide water by flour.' } });
	});

	it('takes shuffle and scoring defaults from course.yaml, and a question may keep its order', async () => {
		const fx = courseFixture(
			replace('course.yaml', 'pass_mark:', 'quiz_shuffle_options: true\nquiz_multiple_scoring: partial\npass_mark:'),
			edit(ADVANCED_QUIZ, (t) => t.replace('    options:\n', '    shuffle_options: false\n    options:\n')),
		);
		const compiled = await compileCourse(fx.dir, fx.dir);
		expect(compiled.quizzes.find((q) => q.id === 'advanced')?.questions[0]?.shuffle).toBeUndefined();
		expect(compiled.quizzes.find((q) => q.id === 'basics')?.questions[0]?.shuffle).toBe(true);
		expect(compiled.quizzes.find((q) => q.id === 'basics')?.multipleScoring).toBe('partial');
	});

	it('rejects a pool that draws more questions than the quiz has', async () => {
		const fx = courseFixture(header('draw: 3\n'));
		await expectOnlyIssue(fx, {
			file: ADVANCED_QUIZ,
			field: 'draw',
			line: 2,
			message: /draw: 3 asks more questions than the quiz has \(1\); add questions or draw at most 1/,
		});
	});

	it('rejects a draw of zero', async () => {
		const fx = courseFixture(header('draw: 0\n'));
		await expectOnlyIssue(fx, { file: ADVANCED_QUIZ, field: 'draw', line: 2, message: /too small|>=1/ });
	});

	it('rejects a short question without accepted answers', async () => {
		const fx = courseFixture(withWritten, replace(ADVANCED_QUIZ, '    accept: [autolyse, Autolysis]\n', ''));
		await expectOnlyIssue(fx, {
			file: ADVANCED_QUIZ,
			field: 'questions[1].accept',
			line: fx.lineOf(ADVANCED_QUIZ, '- id: rest-name'),
			message: /is required/,
		});
	});

	it('rejects an empty accept list and an accepted answer with no letters or digits', async () => {
		const empty = courseFixture(withWritten, replace(ADVANCED_QUIZ, 'accept: [autolyse, Autolysis]', 'accept: []'));
		await expectOnlyIssue(empty, {
			file: ADVANCED_QUIZ,
			field: 'questions[1].accept',
			line: empty.lineOf(ADVANCED_QUIZ, 'accept:'),
			message: /at least one accepted answer/,
		});
		const punct = courseFixture(withWritten, replace(ADVANCED_QUIZ, 'accept: [autolyse, Autolysis]', 'accept: [autolyse, "?!"]'));
		await expectOnlyIssue(punct, {
			file: ADVANCED_QUIZ,
			field: 'questions[1].accept[1]',
			line: punct.lineOf(ADVANCED_QUIZ, 'accept:'),
			message: /accepted answer "\?!" has no letters or digits/,
		});
	});

	it('rejects a negative tolerance and a numeric answer written as text', async () => {
		const negative = courseFixture(withWritten, replace(ADVANCED_QUIZ, 'tolerance: 0.5', 'tolerance: -0.5'));
		await expectOnlyIssue(negative, {
			file: ADVANCED_QUIZ,
			field: 'questions[2].tolerance',
			line: negative.lineOf(ADVANCED_QUIZ, 'tolerance:'),
			message: /zero or more/,
		});
		const comma = courseFixture(withWritten, replace(ADVANCED_QUIZ, 'answer: 72.5', 'answer: "72,5"'));
		await expectOnlyIssue(comma, {
			file: ADVANCED_QUIZ,
			field: 'questions[2].answer',
			line: comma.lineOf(ADVANCED_QUIZ, 'answer: "72,5"'),
			message: /expected a number, got the text "72,5"/,
		});
	});

	it('rejects options on a numeric question and an unknown multiple_scoring', async () => {
		const options = courseFixture(withWritten, replace(ADVANCED_QUIZ, '    tolerance: 0.5\n', '    tolerance: 0.5\n    options: []\n'));
		const issues = await issuesOf(options);
		expect(issues).toHaveLength(1);
		expect(issues[0]).toMatchObject({ file: ADVANCED_QUIZ, field: 'questions[2].options' });
		const scoring = courseFixture(header('multiple_scoring: generous\n'));
		await expectOnlyIssue(scoring, { file: ADVANCED_QUIZ, field: 'multiple_scoring', line: 2, message: /all_or_nothing|partial/ });
	});
});

describe('reporting', () => {
	it('reports every problem at once, not just the first', async () => {
		const fx = courseFixture(
			replace(BONUS, 'tier: free', 'tier: gold'),
			replace(BASICS_QUIZ, 'text: Wrapping Up\n', 'text: Wrapping Up\n        correct: true\n'),
			replace(ADVANCED, '[start](/chapters/basics)', '[start](/chapters/basic)'),
			replace('course.yaml', '  - id: pro\n', '  - id: gold\n'),
		);
		const issues = await issuesOf(fx);
		expect(issues.map((i) => `${i.file}:${i.line} ${i.field}`).sort()).toEqual(
			[
				`${BONUS}:${fx.lineOf(BONUS, 'tier: gold')} tier`,
				`${BASICS_QUIZ}:${fx.lineOf(BASICS_QUIZ, 'options:')} questions[0].options`,
				`${ADVANCED}:${fx.lineOf(ADVANCED, 'Back to the [start]')} body`,
				`course.yaml:${fx.lineOf('course.yaml', 'id: gold')} tiers[2].id`,
			].sort(),
		);
		const error = await compileCourse(fx.dir, fx.dir).then(
			() => new Error('compiled'),
			(e: Error) => e,
		);
		expect(error.message).toMatch(/^Course content has 4 problems:/);
		expect(error.message).toContain(`${ADVANCED}:${fx.lineOf(ADVANCED, 'Back to the [start]')}  body: broken link`);
	});
});

describe('npm run check (scripts/check-content.ts)', () => {
	const run = (dir: string) =>
		spawnSync(process.execPath, ['scripts/check-content.ts', dir], {
			encoding: 'utf8',
			timeout: 60_000,
			env: { ...process.env, NO_COLOR: '1' },
		});

	/** Line of the first line containing `needle`, read from the on-disk fixture. */
	const lineIn = (file: string, needle: string) =>
		readFileSync(file, 'utf8')
			.split('\n')
			.findIndex((l) => l.includes(needle)) + 1;

	it.each([
		{
			rule: 'single-two-correct',
			file: 'quizzes/basics.yaml',
			at: 'options:',
			says: 'questions[0].options: a "single" question needs exactly one',
		},
		{ rule: 'invalid-yaml', file: 'quizzes/advanced.yaml', at: 'prompt: Second step:', says: '(file): invalid YAML: ' },
	])('exits 1 and prints file:line and the problem for content-bad/$rule', ({ rule, file, at, says }) => {
		const dir = `tests/fixtures/content-bad/${rule}`;
		const result = run(dir);
		expect(result.status, result.stderr).toBe(1);
		const line = lineIn(path.join(dir, file), at);
		expect(line).toBeGreaterThan(0);
		expect(result.stderr).toContain('Course content has 1 problem:');
		expect(result.stderr).toContain(`  - ${dir}/${file}:${line}  ${says}`);
		expect(result.stdout).toBe('');
	});

	it('exits 0 with a summary for the real course in content/', () => {
		const result = run('content');
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/^✓ content: \d+ chapters, \d+ quizzes, \d+ questions, \d+ images and files — no problems found\.\n$/);
	});
});
