import { bind } from '../../../../../../server/api/operation.ts';
import { getQuizStatistics } from '../../../../../../server/operations/instructor.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getQuizStatistics });
