/**
 * Copies the small good course (tests/fixtures/content-good) to a temporary directory and applies
 * mutations, so each validation test breaks exactly one rule of an otherwise valid course.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GOOD_FIXTURE = path.resolve('tests/fixtures/content-good');

export type Mutation = (dir: string) => void;

/** Replaces the one occurrence of `find` in `file`; throws if it is absent or ambiguous, so a mutation never silently does nothing. */
export function replace(file: string, find: string, replacement: string): Mutation {
	return (dir) => {
		const full = path.join(dir, file);
		const text = readFileSync(full, 'utf8');
		const count = text.split(find).length - 1;
		if (count !== 1) throw new Error(`fixture mutation: expected exactly one ${JSON.stringify(find)} in ${file}, found ${count}`);
		writeFileSync(
			full,
			text.replace(find, () => replacement),
		);
	};
}

export function write(file: string, text: string): Mutation {
	return (dir) => {
		mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		writeFileSync(path.join(dir, file), text);
	};
}

/** Rewrites `file` with `change`; throws if the text comes back unchanged. */
export function edit(file: string, change: (text: string) => string): Mutation {
	return (dir) => {
		const full = path.join(dir, file);
		const before = readFileSync(full, 'utf8');
		const after = change(before);
		if (after === before) throw new Error(`fixture mutation: the edit of ${file} changed nothing`);
		writeFileSync(full, after);
	};
}

/** Writes a copy of an existing fixture file with some replacements applied (each must match once). */
export function copyWith(from: string, to: string, ...replacements: [string, string][]): Mutation {
	return (dir) => {
		write(to, readFileSync(path.join(dir, from), 'utf8'))(dir);
		for (const [find, replacement] of replacements) replace(to, find, replacement)(dir);
	};
}

export interface CourseFixture {
	dir: string;
	read(file: string): string;
	/** 1-based line of the `occurrence`-th line (1-based) containing `needle` in `file`. */
	lineOf(file: string, needle: string, occurrence?: number): number;
}

const created: string[] = [];

export function courseFixture(...mutations: Mutation[]): CourseFixture {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cc-content-'));
	created.push(dir);
	cpSync(GOOD_FIXTURE, dir, { recursive: true });
	for (const mutate of mutations) mutate(dir);
	const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
	return {
		dir,
		read,
		lineOf(file, needle, occurrence = 1) {
			let seen = 0;
			const lines = read(file).split('\n');
			for (const [index, line] of lines.entries()) {
				if (line.includes(needle) && ++seen === occurrence) return index + 1;
			}
			throw new Error(`fixture: ${file} has no line #${occurrence} containing ${JSON.stringify(needle)}`);
		},
	};
}

/** Removes every directory courseFixture created (call from afterAll). */
export function removeCourseFixtures(): void {
	for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
