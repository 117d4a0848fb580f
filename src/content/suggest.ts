/** "Did you mean …?" for authors: the closest candidates by edit distance. */

export function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0] as number;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j] as number;
			row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
			diagonal = above;
		}
	}
	return row[b.length] as number;
}

/** The candidate closest to `value`, when it is close enough to be a plausible typo. */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	const list = [...candidates];
	// A dropped or added word ("poke-test" for "the-poke-test") is a plausible slip however long it is.
	const containing = list.filter(
		(c) => value.length >= 3 && (c.toLowerCase().includes(value.toLowerCase()) || value.toLowerCase().includes(c.toLowerCase())),
	);
	if (containing.length === 1) return containing[0];
	for (const candidate of list) {
		const d = editDistance(value.toLowerCase(), candidate.toLowerCase());
		if (d < bestDistance) {
			best = candidate;
			bestDistance = d;
		}
	}
	return best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** `did you mean "x"?` or the empty string. */
export function didYouMean(value: string, candidates: Iterable<string>, quote = (s: string) => `"${s}"`): string {
	const match = closest(value, candidates);
	return match ? `; did you mean ${quote(match)}?` : '';
}
