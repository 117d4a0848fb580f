import { describe, expect, it } from 'vitest';
import { attemptQuestions, drawn, needsSeed, prng, SEED_LIMIT, shuffled } from '../../../src/domain/quiz-draw.ts';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}` }));
const question = (id: string, shuffle = false) => ({ id, shuffle, options: options(4) });

describe('prng', () => {
	it('is deterministic per seed and stays in [0, 1)', () => {
		const a = prng(42);
		const b = prng(42);
		const xs = Array.from({ length: 1000 }, () => a());
		expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		expect(prng(43)()).not.toBe(xs[0]);
	});

	it('works at the ends of the seed range', () => {
		for (const seed of [0, 1, SEED_LIMIT - 1]) {
			const x = prng(seed)();
			expect(x).toBeGreaterThanOrEqual(0);
			expect(x).toBeLessThan(1);
		}
	});
});

describe('shuffled', () => {
	it('is a permutation and leaves the input alone', () => {
		const input = [1, 2, 3, 4, 5, 6];
		const out = shuffled(input, prng(7));
		expect([...out].sort()).toEqual(input);
		expect(input).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('reaches every order of three items about equally often', () => {
		const counts = new Map<string, number>();
		for (let seed = 0; seed < 6000; seed++) {
			const key = shuffled(['a', 'b', 'c'], prng(seed)).join('');
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
		expect(counts.size).toBe(6);
		for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
	});

	it('handles empty and single-item lists', () => {
		expect(shuffled([], prng(1))).toEqual([]);
		expect(shuffled(['x'], prng(1))).toEqual(['x']);
	});
});

describe('drawn', () => {
	const items = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];
	it('picks N distinct items in their original order, the same for the same seed', () => {
		const a = drawn(items, 3, 12345);
		expect(a).toHaveLength(3);
		expect(new Set(a).size).toBe(3);
		expect(a).toEqual(items.filter((i) => a.includes(i)));
		expect(drawn(items, 3, 12345)).toEqual(a);
	});

	it('gives every item a fair chance over many seeds', () => {
		const counts = new Map<string, number>();
		for (let seed = 0; seed < 6000; seed++) for (const q of drawn(items, 2, seed)) counts.set(q, (counts.get(q) ?? 0) + 1);
		for (const q of items) expect(Math.abs((counts.get(q) ?? 0) - 2000)).toBeLessThan(200);
	});

	it('returns everything when there is no draw or it asks for all of them', () => {
		expect(drawn(items, undefined, 1)).toEqual(items);
		expect(drawn(items, 6, 1)).toEqual(items);
		expect(drawn(items, 9, 1)).toEqual(items);
	});
});

describe('attemptQuestions', () => {
	it('shuffles only the questions that shuffle, by option id, reproducibly', () => {
		const quiz = { questions: [question('fixed'), question('mixed', true)] };
		const orders = new Set<string>();
		for (let seed = 0; seed < 50; seed++) {
			const [fixed, mixed] = attemptQuestions(quiz, seed);
			expect(fixed?.options.map((o) => o.id)).toEqual(['o0', 'o1', 'o2', 'o3']);
			expect([...(mixed?.options ?? [])].map((o) => o.id).sort()).toEqual(['o0', 'o1', 'o2', 'o3']);
			orders.add(mixed?.options.map((o) => o.id).join() ?? '');
			expect(attemptQuestions(quiz, seed)).toEqual(attemptQuestions(quiz, seed));
		}
		expect(orders.size).toBeGreaterThan(5);
	});

	it("keeps a question's option order whichever other questions were drawn", () => {
		const quiz = { draw: 2, questions: ['a', 'b', 'c', 'd'].map((id) => question(id, true)) };
		const orderOf = new Map<string, string>();
		const seed = 99;
		for (const q of attemptQuestions(quiz, seed)) orderOf.set(q.id, q.options.map((o) => o.id).join());
		const all = attemptQuestions({ questions: quiz.questions }, seed);
		for (const [id, order] of orderOf)
			expect(
				all
					.find((q) => q.id === id)
					?.options.map((o) => o.id)
					.join(),
			).toBe(order);
	});

	it('says when a quiz needs a seed', () => {
		expect(needsSeed({ questions: [question('a'), question('b')] })).toBe(false);
		expect(needsSeed({ draw: 2, questions: [question('a'), question('b')] })).toBe(false);
		expect(needsSeed({ draw: 1, questions: [question('a'), question('b')] })).toBe(true);
		expect(needsSeed({ questions: [question('a', true)] })).toBe(true);
	});
});
