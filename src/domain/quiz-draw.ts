/**
 * Which questions an attempt asks and in which order it shows their options: a pure function of the quiz
 * and the attempt's seed (docs/decisions/0022). The server picks the seed when a learner starts a quiz and
 * stores it, so the page, the API and grading all derive the same questions from it.
 */

/** Seeds are non-negative 31-bit integers: they fit a Postgres `integer`. */
export const SEED_LIMIT = 2 ** 31;

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns numbers in [0, 1). Deterministic per seed. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a over a string: mixes a question id into the seed, so its option order does not depend on the draw. */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** Fisher–Yates shuffle with the given random source; returns a new array. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}

/** `count` of the items chosen uniformly by the seed, kept in their original order (authors order by difficulty). */
export function drawn<T>(items: readonly T[], count: number | undefined, seed: number): T[] {
	if (count === undefined || count >= items.length) return [...items];
	const picked = new Set(shuffled([...items.keys()], prng(seed)).slice(0, Math.max(0, count)));
	return items.filter((_, i) => picked.has(i));
}

export interface DrawableQuestion {
	id: string;
	/** Options are shown in a per-attempt order. */
	shuffle?: boolean;
	options: readonly { id: string }[];
}

export interface DrawableQuiz<Q extends DrawableQuestion> {
	/** Questions asked per attempt; unset: all of them. */
	draw?: number;
	questions: readonly Q[];
}

/** Whether attempts at this quiz differ: it draws from a pool or shuffles some question's options. */
export function needsSeed(quiz: DrawableQuiz<DrawableQuestion>): boolean {
	return (quiz.draw !== undefined && quiz.draw < quiz.questions.length) || quiz.questions.some((q) => q.shuffle === true);
}

/**
 * The attempt's questions: the drawn ones in the author's order, each with its options in this attempt's order
 * when it shuffles. The same quiz and seed always give the same result; grading is by option id, so the order
 * never changes a grade.
 */
export function attemptQuestions<Q extends DrawableQuestion>(quiz: DrawableQuiz<Q>, seed: number): Q[] {
	return drawn(quiz.questions, quiz.draw, seed).map((q) =>
		q.shuffle === true ? { ...q, options: shuffled(q.options, prng((hash(q.id) ^ seed) >>> 0)) } : q,
	);
}
