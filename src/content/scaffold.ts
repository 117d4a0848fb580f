/**
 * Templates for `npm run new`: a chapter with the next order and a quiz for a chapter, every field
 * commented, valid as written (the test compiles a course made from them).
 */

export { SLUG } from '../domain/ids.ts';

/** The next order after the existing ones: steps of 10 when the author numbers 10, 20, 30 …, else 1. */
export function nextOrder(orders: readonly number[]): number {
	if (orders.length === 0) return 1;
	const max = Math.max(...orders);
	const tens = orders.length > 1 && orders.every((o) => o % 10 === 0);
	return tens ? max + 10 : max + 1;
}

/** `NN-<id>.md`, zero-padded like the existing files (`07-…`, `070-…`). */
export function chapterFileName(order: number, id: string, existingNames: readonly string[]): string {
	const widths = existingNames.map((n) => /^(\d+)-/.exec(n)?.[1]?.length ?? 0).filter((w) => w > 0);
	const width = Math.max(2, ...widths);
	return `${String(order).padStart(width, '0')}-${id}.md`;
}

function titleFromId(id: string): string {
	const words = id.split('-');
	return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
}

export function chapterTemplate(id: string, order: number): string {
	return `---
id: ${id}                  # stable slug: URLs, progress and the quiz file use it; never change it once published
title: ${titleFromId(id)}            # shown in the sidebar, the page title and to ChatGPT
order: ${order}                   # reading order; any unique integers (10, 20, 30 … leaves room to insert)
difficulty: beginner         # beginner | intermediate | advanced
minutes: 10                  # estimated minutes to read and practise
summary: One or two sentences, at most 300 characters, saying what this chapter teaches.
objectives:                  # what a learner can do afterwards, each starting with a verb
  - Explain the main idea of this chapter
keywords: []                 # optional: words learners might search for that the text does not use
# tier: premium              # optional: overrides the course's free_chapters split for this chapter
---

Open with why this chapter matters and what the learner will be able to do.

## First section

Write sections with \`##\`, subsections with \`###\` and \`####\` (never \`#\`: the title comes from the frontmatter).
Link to other chapters with relative paths, as on GitHub (\`[the basics](./01-basics.md#a-heading)\`), and put
images next to the chapter or in \`content/images/\` (\`![What the picture shows](../images/diagram.png)\`).

:::tip
Asides: \`:::note\`, \`:::tip\`, \`:::caution\` and \`:::danger\`, closed by \`:::\`.
:::
`;
}

export function quizTemplate(chapterId: string): string {
	return `chapter: ${chapterId}        # the id of the chapter this quiz belongs to
# title: My quiz             # optional; defaults to "<chapter title> quiz"
# pass_mark: 70              # optional percent; defaults to course.yaml's pass_mark
# draw: 3                    # optional: each attempt asks 3 of the questions (a pool)
# shuffle_options: true      # optional: options in a new order on every attempt
# multiple_scoring: partial  # optional: partial credit for "select all" questions (default all_or_nothing)
questions:
  - id: first-question       # stable slug, unique in this quiz: attempts are stored against it
    type: single             # single (one correct option) | multiple (one or more) | true_false | short | numeric
    prompt: Which option is correct?
    options:
      - id: right
        text: The correct answer
        correct: true
      - id: wrong
        text: A plausible wrong answer
        feedback: Optional; shown to a learner who picked this option.
    explanation: Required; teaches why the correct answer is right (shown after grading).
  - id: second-question
    type: true_false
    prompt: "Quote text that contains a colon: like this."
    answer: true             # true or false (not yes/no)
    explanation: Explain why the statement is true.
  - id: third-question
    type: short              # a written answer; case, spaces and punctuation do not matter
    prompt: Name the thing in one or two words.
    accept: [first answer, another accepted answer]
    explanation: Explain the answer.
  - id: fourth-question
    type: numeric            # a number; 3.5 and 3,5 both work
    prompt: How many grams?
    answer: 50
    tolerance: 0             # optional: how far from the answer still counts
    explanation: Show the arithmetic.
`;
}
