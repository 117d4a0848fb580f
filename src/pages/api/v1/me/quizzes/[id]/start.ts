import { bind } from '../../../../../../server/api/operation.ts';
import { startQuiz } from '../../../../../../server/operations/quizzes.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: startQuiz });
