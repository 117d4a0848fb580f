/** What kind of answer a question wants, said after its label ("Question 3 (select all that apply)"). */
export const QUESTION_HINT: Readonly<Record<string, string>> = {
	multiple: ' (select all that apply)',
	short: ' (write your answer)',
	numeric: ' (write a number)',
};
