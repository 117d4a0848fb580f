import { bind } from '../../../../server/api/operation.ts';
import { getQuiz } from '../../../../server/operations/content.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getQuiz });
