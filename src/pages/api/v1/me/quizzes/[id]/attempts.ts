import { bind } from '../../../../../../server/api/operation.ts';
import { getQuizResults, submitQuiz } from '../../../../../../server/operations/quizzes.ts';

export const prerender = false;
export const { GET, POST, ALL } = bind({ GET: getQuizResults, POST: submitQuiz });
