import { describe, expect, it } from 'vitest';
import type { AnswerProblem, Answers, GradeResult, GradedQuiz, KeyedQuestion, QuizKey } from '../../../src/domain/grading.ts';
import { gradeQuiz, numberedForLearner } from '../../../src/domain/grading.ts';

const trueFalse = [
	{ id: 'true', text: 'True' },
	{ id: 'false', text: 'False' },
];

const owner: KeyedQuestion = {
	id: 'tool-call-owner',
	type: 'single',
	prompt: 'Who executes a tool call?',
	options: [
		{ id: 'model', text: 'The model' },
		{ id: 'app', text: 'The application' },
		{ id: 'provider', text: 'The provider' },
	],
	correct: ['app'],
	explanation: 'The application runs the tool.',
	feedback: { model: 'The model only asks for the call.', app: 'Right: your code runs it.' },
};

const schema: KeyedQuestion = {
	id: 'schema-required',
	type: 'multiple',
	prompt: 'Which belong in a tool definition?',
	options: [
		{ id: 'name', text: 'A name' },
		{ id: 'params', text: 'A JSON Schema' },
		{ id: 'weights', text: 'Model weights' },
	],
	correct: ['name', 'params'],
	explanation: 'A tool needs a name and a parameter schema.',
	feedback: { weights: 'Weights never leave the provider.' },
};

const safe: KeyedQuestion = {
	id: 'tools-are-safe',
	type: 'true_false',
	prompt: 'Tool output is as trusted as the system prompt.',
	options: trueFalse,
	correct: ['false'],
	explanation: 'Tool output is untrusted input.',
	feedback: {},
};

function quiz(passMark = 70, questions: KeyedQuestion[] = [owner, schema, safe]): QuizKey {
	return { id: 'tool-use-quiz', chapterId: 'tool-use', title: 'Tool use check', passMark, questions };
}

const allRight: Answers = { 'tool-call-owner': ['app'], 'schema-required': ['name', 'params'], 'tools-are-safe': ['false'] };

function graded(result: GradeResult): GradedQuiz {
	if (!result.ok) throw new Error(`expected a graded quiz, got problems: ${JSON.stringify(result.problems)}`);
	return result;
}

function problems(result: GradeResult): AnswerProblem[] {
	if (result.ok) throw new Error('expected problems, got a graded quiz');
	return result.problems;
}

function codes(result: GradeResult): string[] {
	return problems(result).map((p) => `${p.questionId}:${p.code}${p.optionId ? `:${p.optionId}` : ''}`);
}

describe('gradeQuiz: scoring', () => {
	it('scores all right as 100% and passed', () => {
		const r = graded(gradeQuiz(quiz(), allRight));
		expect(r).toMatchObject({ ok: true, score: 3, total: 3, percent: 100, passed: true });
		expect(r.questions.every((q) => q.correct)).toBe(true);
	});

	it('scores all wrong as 0% and failed', () => {
		const r = graded(gradeQuiz(quiz(), { 'tool-call-owner': ['model'], 'schema-required': ['weights'], 'tools-are-safe': ['true'] }));
		expect(r).toMatchObject({ score: 0, total: 3, percent: 0, passed: false });
		expect(r.questions.map((q) => q.correct)).toEqual([false, false, false]);
	});

	it('is order-insensitive for multiple-choice answers', () => {
		const r = graded(gradeQuiz(quiz(), { ...allRight, 'schema-required': ['params', 'name'] }));
		expect(r.questions[1]).toMatchObject({ id: 'schema-required', correct: true, selected: ['name', 'params'] });
	});

	it('gives no partial credit on multiple: a subset or a superset is wrong', () => {
		const subset = graded(gradeQuiz(quiz(), { ...allRight, 'schema-required': ['name'] }));
		expect(subset.questions[1]?.correct).toBe(false);
		expect(subset.score).toBe(2);
		const superset = graded(gradeQuiz(quiz(), { ...allRight, 'schema-required': ['name', 'params', 'weights'] }));
		expect(superset.questions[1]?.correct).toBe(false);
	});

	it('returns per-question details in quiz order with selections in option order', () => {
		const r = graded(
			gradeQuiz(quiz(), { 'tools-are-safe': ['true'], 'schema-required': ['weights', 'name'], 'tool-call-owner': ['model'] }),
		);
		expect(r.questions).toEqual([
			{
				id: 'tool-call-owner',
				correct: false,
				credit: 0,
				selected: ['model'],
				correctOptions: ['app'],
				explanation: 'The application runs the tool.',
				feedback: { model: 'The model only asks for the call.' },
			},
			{
				id: 'schema-required',
				correct: false,
				credit: 0,
				selected: ['name', 'weights'],
				correctOptions: ['name', 'params'],
				explanation: 'A tool needs a name and a parameter schema.',
				feedback: { weights: 'Weights never leave the provider.' },
			},
			{
				id: 'tools-are-safe',
				correct: false,
				credit: 0,
				selected: ['true'],
				correctOptions: ['false'],
				explanation: 'Tool output is untrusted input.',
				feedback: {},
			},
		]);
	});

	it('includes feedback only for selected options that have it', () => {
		const r = graded(gradeQuiz(quiz(), allRight));
		expect(r.questions[0]?.feedback).toEqual({ app: 'Right: your code runs it.' });
		expect(r.questions[1]?.feedback).toEqual({});
		expect(r.questions[2]?.feedback).toEqual({});
	});

	it('does not leak prototype members as feedback', () => {
		const q: KeyedQuestion = { ...owner, options: [...owner.options, { id: 'toString', text: 'x' }], feedback: {} };
		const r = graded(gradeQuiz(quiz(0, [q]), { 'tool-call-owner': ['toString'] }));
		expect(r.questions[0]?.feedback).toEqual({});
	});

	it('rounds percent to the nearest whole number', () => {
		// 2 of 3 = 66.67% -> 67; 1 of 3 = 33.33% -> 33
		const two = graded(gradeQuiz(quiz(), { ...allRight, 'tools-are-safe': ['true'] }));
		expect(two.percent).toBe(67);
		const one = graded(gradeQuiz(quiz(), { ...allRight, 'tools-are-safe': ['true'], 'tool-call-owner': ['model'] }));
		expect(one.percent).toBe(33);
	});

	it('passes exactly at the pass mark and fails one point above it', () => {
		const twoOfThree = { ...allRight, 'tools-are-safe': ['true'] };
		expect(graded(gradeQuiz(quiz(67), twoOfThree)).passed).toBe(true);
		expect(graded(gradeQuiz(quiz(68), twoOfThree)).passed).toBe(false);
		expect(graded(gradeQuiz(quiz(66), twoOfThree)).passed).toBe(true);
	});

	it('handles a pass mark of 100 and of 0', () => {
		expect(graded(gradeQuiz(quiz(100), allRight)).passed).toBe(true);
		expect(graded(gradeQuiz(quiz(100), { ...allRight, 'tools-are-safe': ['true'] })).passed).toBe(false);
		const none = { 'tool-call-owner': ['model'], 'schema-required': ['weights'], 'tools-are-safe': ['true'] };
		expect(graded(gradeQuiz(quiz(0), none)).passed).toBe(true);
	});

	it('passes at an exact boundary with a 4-question quiz (75%)', () => {
		const q4 = { ...safe, id: 'fourth', correct: ['true'] };
		const answers = { ...allRight, fourth: ['false'] };
		const r = graded(gradeQuiz(quiz(75, [owner, schema, safe, q4]), answers));
		expect(r).toMatchObject({ score: 3, total: 4, percent: 75, passed: true });
		expect(graded(gradeQuiz(quiz(76, [owner, schema, safe, q4]), answers)).passed).toBe(false);
	});

	it('scores an empty quiz as 0% instead of NaN', () => {
		const r = graded(gradeQuiz(quiz(70, []), {}));
		expect(r).toMatchObject({ score: 0, total: 0, percent: 0, passed: false, questions: [] });
	});

	it('is deterministic and does not mutate its inputs', () => {
		const key = quiz();
		const answers: Answers = { ...allRight, 'schema-required': ['params', 'name'] };
		const keyBefore = structuredClone(key);
		const answersBefore = structuredClone(answers);
		expect(gradeQuiz(key, answers)).toEqual(gradeQuiz(key, answers));
		expect(key).toEqual(keyBefore);
		expect(answers).toEqual(answersBefore);
	});
});

describe('gradeQuiz: validation', () => {
	it('reports every question as missing for empty answers', () => {
		const r = gradeQuiz(quiz(), {});
		expect(codes(r)).toEqual(['tool-call-owner:missing_answer', 'schema-required:missing_answer', 'tools-are-safe:missing_answer']);
	});

	it('treats an empty selection as missing', () => {
		const r = gradeQuiz(quiz(), { ...allRight, 'schema-required': [] });
		expect(codes(r)).toEqual(['schema-required:missing_answer']);
		expect(problems(r)[0]?.message).toContain('schema-required');
	});

	it('reports unknown question ids', () => {
		const r = gradeQuiz(quiz(), { ...allRight, 'not-a-question': ['a'] });
		expect(problems(r)).toEqual([
			{
				questionId: 'not-a-question',
				code: 'unknown_question',
				message: expect.stringContaining('"not-a-question"'),
			},
		]);
	});

	it('does not treat Object.prototype members as answers or questions', () => {
		const q = { ...owner, id: 'constructor' };
		expect(codes(gradeQuiz(quiz(70, [q]), {}))).toEqual(['constructor:missing_answer']);
		expect(graded(gradeQuiz(quiz(70, [q]), { constructor: ['app'] })).score).toBe(1);
	});

	it('reports unknown options with the option id', () => {
		const r = gradeQuiz(quiz(), { ...allRight, 'tool-call-owner': ['nope'] });
		expect(problems(r)).toEqual([
			{
				questionId: 'tool-call-owner',
				code: 'unknown_option',
				optionId: 'nope',
				message: expect.stringMatching(/"tool-call-owner".*"nope"/),
			},
		]);
	});

	it('reports duplicate options once per option', () => {
		const r = gradeQuiz(quiz(), { ...allRight, 'schema-required': ['name', 'name', 'params', 'name'] });
		expect(problems(r)).toEqual([
			{
				questionId: 'schema-required',
				code: 'duplicate_option',
				optionId: 'name',
				message: expect.stringMatching(/"schema-required".*"name"/),
			},
		]);
	});

	it('reports a duplicated single answer as a duplicate, not as too many options', () => {
		expect(codes(gradeQuiz(quiz(), { ...allRight, 'tool-call-owner': ['app', 'app'] }))).toEqual(['tool-call-owner:duplicate_option:app']);
	});

	it('rejects more than one option on single and true_false questions', () => {
		const r = gradeQuiz(quiz(), { ...allRight, 'tool-call-owner': ['app', 'model'], 'tools-are-safe': ['true', 'false'] });
		expect(codes(r)).toEqual(['tool-call-owner:too_many_options', 'tools-are-safe:too_many_options']);
		expect(problems(r)[0]?.message).toMatch(/"tool-call-owner".*"app".*"model"/);
	});

	it('allows several options on multiple questions', () => {
		expect(gradeQuiz(quiz(), { ...allRight, 'schema-required': ['name', 'params', 'weights'] }).ok).toBe(true);
	});

	it('rejects answers that only exist on a different question', () => {
		expect(codes(gradeQuiz(quiz(), { ...allRight, 'tools-are-safe': ['app'] }))).toEqual(['tools-are-safe:unknown_option:app']);
	});

	it('collects all problems at once, per question in quiz order, then unknown questions', () => {
		const r = gradeQuiz(quiz(), {
			extra: ['x'],
			'tools-are-safe': ['true', 'maybe', 'true'],
			'tool-call-owner': [],
			other: [],
		});
		expect(codes(r)).toEqual([
			'tool-call-owner:missing_answer',
			'schema-required:missing_answer',
			'tools-are-safe:unknown_option:maybe',
			'tools-are-safe:duplicate_option:true',
			'tools-are-safe:too_many_options',
			'extra:unknown_question',
			'other:unknown_question',
		]);
		for (const p of problems(r)) {
			expect(p.message.length).toBeGreaterThan(10);
			expect(p.message).toContain(p.questionId);
			if (p.optionId) expect(p.message).toContain(p.optionId);
		}
	});

	it('turns malformed JSON values into problems instead of throwing', () => {
		const bad = { 'tool-call-owner': 'app', 'schema-required': ['name', 7], 'tools-are-safe': null } as unknown as Answers;
		expect(codes(gradeQuiz(quiz(), bad))).toEqual([
			'tool-call-owner:missing_answer',
			'schema-required:unknown_option:7',
			'tools-are-safe:missing_answer',
		]);
	});
});

describe('question types: partial credit, short and numeric', () => {
	const pick: KeyedQuestion = {
		id: 'salt-does',
		type: 'multiple',
		prompt: 'What does salt do?',
		options: [
			{ id: 'seasons', text: 'Seasons' },
			{ id: 'tightens', text: 'Tightens gluten' },
			{ id: 'slows', text: 'Slows fermentation' },
			{ id: 'feeds', text: 'Feeds yeast' },
			{ id: 'colours', text: 'Colours the crumb' },
		],
		correct: ['seasons', 'tightens', 'slows'],
		explanation: 'Salt seasons, tightens and slows.',
		feedback: {},
	};
	const rest: KeyedQuestion = {
		id: 'rest-name',
		type: 'short',
		prompt: 'What is the rest called?',
		options: [],
		correct: [],
		accept: ['autolyse', 'Pâte fermentée'],
		explanation: 'An autolyse.',
		feedback: { answer: 'A French word.' },
	};
	const hydration: KeyedQuestion = {
		id: 'hydration',
		type: 'numeric',
		prompt: 'Hydration?',
		options: [],
		correct: [],
		answer: 3.5,
		tolerance: 0.1,
		explanation: '3.5.',
		feedback: {},
	};
	const partial = (questions: KeyedQuestion[]): QuizKey => ({ ...quiz(50, questions), multipleScoring: 'partial' });

	it("scores multiple with Moodle's rule under partial: right picks add, wrong ones subtract, never below 0", () => {
		const credit = (picked: string[]) => graded(gradeQuiz(partial([pick]), { 'salt-does': picked })).questions[0]?.credit;
		expect(credit(['seasons', 'tightens', 'slows'])).toBe(1);
		expect(credit(['seasons'])).toBe(0.33);
		expect(credit(['seasons', 'tightens'])).toBe(0.67);
		expect(credit(['seasons', 'tightens', 'feeds'])).toBe(0.17); // 2/3 - 1/2
		expect(credit(['seasons', 'feeds', 'colours'])).toBe(0);
		expect(credit(['seasons', 'tightens', 'slows', 'feeds', 'colours'])).toBe(0); // everything: 1 - 1
		expect(credit(['feeds'])).toBe(0);
	});

	it('adds partial credit to the score, rounds it to two decimals and takes percent from the unrounded sum', () => {
		const r = graded(gradeQuiz(partial([pick, owner]), { 'salt-does': ['seasons', 'tightens'], 'tool-call-owner': ['app'] }));
		expect(r.score).toBe(1.67);
		expect(r.total).toBe(2);
		expect(r.percent).toBe(83);
		expect(r.passed).toBe(true);
		expect(r.questions[0]).toMatchObject({ correct: false, credit: 0.67 });
		const thirds = graded(
			gradeQuiz(partial([pick, { ...pick, id: 'b' }, { ...pick, id: 'c' }]), { 'salt-does': ['seasons'], b: ['tightens'], c: ['slows'] }),
		);
		expect(thirds.score).toBe(1);
		expect(thirds.percent).toBe(33);
	});

	it('keeps all or nothing unless the quiz says partial', () => {
		const r = graded(gradeQuiz(quiz(50, [pick]), { 'salt-does': ['seasons', 'tightens'] }));
		expect(r.questions[0]).toMatchObject({ correct: false, credit: 0 });
		expect(r.score).toBe(0);
	});

	it('gives no partial credit to single questions', () => {
		const r = graded(gradeQuiz(partial([owner]), { 'tool-call-owner': ['model'] }));
		expect(r.questions[0]?.credit).toBe(0);
	});

	it('accepts a short answer whatever its case, spaces, punctuation and Unicode form, but not other accents', () => {
		const ok = (text: string) => graded(gradeQuiz(quiz(50, [rest]), { 'rest-name': [text] })).questions[0]?.correct;
		expect(ok('autolyse')).toBe(true);
		expect(ok('  AutoLyse. ')).toBe(true);
		expect(ok('auto-lyse!')).toBe(true);
		expect(ok('ａｕｔｏｌｙｓｅ')).toBe(true); // full-width letters (NFKC)
		expect(ok('pate fermentee')).toBe(false); // accents matter
		expect(ok('PÂTE-FERMENTÉE')).toBe(true);
		expect(ok('pa\u0302te ferme\u0301ntee')).toBe(false); // still needs the second é
		expect(ok('pa\u0302te fermente\u0301e')).toBe(true); // decomposed accents compose
		expect(ok('autolysis')).toBe(false);
		expect(ok('!!!')).toBe(false);
	});

	it('shows what the learner wrote, the first accepted answer once revealed and the feedback on a miss', () => {
		const wrong = graded(gradeQuiz(quiz(50, [rest]), { 'rest-name': [' levain '] })).questions[0];
		expect(wrong).toMatchObject({ correct: false, selected: ['levain'], correctOptions: [], correctAnswer: 'autolyse' });
		expect(wrong?.feedback).toEqual({ answer: 'A French word.' });
		expect(graded(gradeQuiz(quiz(50, [rest]), { 'rest-name': ['autolyse'] })).questions[0]?.feedback).toEqual({});
	});

	it('grades numbers within the tolerance, with a decimal point or comma, and floating point on the edge', () => {
		const ok = (text: string, q = hydration) => graded(gradeQuiz(quiz(50, [q]), { [q.id]: [text] })).questions[0]?.correct;
		expect(ok('3.5')).toBe(true);
		expect(ok('3,5')).toBe(true);
		expect(ok(' 3.4 ')).toBe(true); // |3.4 - 3.5| is 0.10000000000000009 in binary
		expect(ok('3.6')).toBe(true);
		expect(ok('3.61')).toBe(false);
		expect(ok('3.39')).toBe(false);
		expect(ok('+3.5')).toBe(true);
		expect(ok('35e-1')).toBe(true);
		expect(ok(',35e1')).toBe(true);
		const exact = { ...hydration, answer: -2, tolerance: 0 };
		expect(ok('-2', exact)).toBe(true);
		expect(ok('\u22122', exact)).toBe(true); // a typographic minus
		expect(ok('-2.0000001', exact)).toBe(false);
		expect(graded(gradeQuiz(quiz(50, [hydration]), { hydration: ['4'] })).questions[0]?.correctAnswer).toBe('3.5 (± 0.1)');
		expect(graded(gradeQuiz(quiz(50, [exact]), { hydration: ['4'] })).questions[0]?.correctAnswer).toBe('-2');
	});

	it('refuses what is not a number, and a comma that could be a thousands separator, so the learner can fix it', () => {
		const codes = (text: string) => {
			const r = gradeQuiz(quiz(50, [hydration]), { hydration: [text] });
			return r.ok ? [] : r.problems.map((p) => p.code);
		};
		expect(codes('three')).toEqual(['not_a_number']);
		expect(codes('3.5 %')).toEqual(['not_a_number']);
		expect(codes('1.000,5')).toEqual(['not_a_number']);
		expect(codes('1,000')).toEqual(['ambiguous_number']);
		expect(codes('12,500')).toEqual(['ambiguous_number']);
		expect(codes('0,125')).toEqual([]); // a thousands group never starts with 0
		expect(codes('1,0005')).toEqual([]);
		expect(problems(gradeQuiz(quiz(50, [hydration]), { hydration: ['1,000'] }))[0]?.message).toMatch(/could mean 1000 or 1\.000/);
	});

	it('reports a blank written answer, or several, as problems', () => {
		expect(problems(gradeQuiz(quiz(50, [rest]), { 'rest-name': ['  '] }))[0]).toMatchObject({ code: 'missing_answer' });
		expect(problems(gradeQuiz(quiz(50, [rest]), { 'rest-name': [] }))[0]?.message).toMatch(/write an answer/);
		expect(problems(gradeQuiz(quiz(50, [hydration]), {}))[0]?.message).toMatch(/write a number/);
		expect(problems(gradeQuiz(quiz(50, [rest]), { 'rest-name': ['a', 'b'] }))[0]).toMatchObject({ code: 'too_many_options' });
		expect(problems(gradeQuiz(quiz(50, [rest]), { 'rest-name': [7 as unknown as string] }))[0]).toMatchObject({ code: 'missing_answer' });
	});

	it('grades an attempt of a pool on its drawn questions only', () => {
		const pool: QuizKey = { ...quiz(50, [owner, safe]), draw: 2 };
		expect(problems(gradeQuiz(pool, { ...allRight }))).toEqual([
			expect.objectContaining({
				questionId: 'schema-required',
				code: 'unknown_question',
				message: 'Question "schema-required" is not part of this attempt.',
			}),
		]);
		expect(graded(gradeQuiz(pool, { 'tool-call-owner': ['app'], 'tools-are-safe': ['false'] })).percent).toBe(100);
	});
});

describe('normalizeShortAnswer and parseLearnerNumber', () => {
	it('keeps letters, marks and digits of any script', async () => {
		const { normalizeShortAnswer, parseLearnerNumber } = await import('../../../src/domain/grading.ts');
		expect(normalizeShortAnswer('Straße, 2')).toBe('straße2');
		expect(normalizeShortAnswer('हिन्दी')).toBe('हिन्दी');
		expect(normalizeShortAnswer('ﬁne')).toBe('fine');
		expect(parseLearnerNumber('')).toEqual({ ok: false, code: 'not_a_number' });
		expect(parseLearnerNumber('1e999')).toEqual({ ok: false, code: 'not_a_number' });
		expect(parseLearnerNumber('7.')).toEqual({ ok: true, value: 7 });
	});
});

describe('numberedForLearner', () => {
	it('names questions by their place on the page, never by id', () => {
		expect(numberedForLearner('Question "rest-name" was not answered; write an answer.', ['a', 'rest-name'])).toBe(
			'Question 2 was not answered; write an answer.',
		);
		expect(numberedForLearner('The answers cannot be graded: Question "x" needs a number.', [])).toBe(
			'The answers cannot be graded: A question needs a number.',
		);
	});
});
