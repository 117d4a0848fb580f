import { bind } from '../../../../server/api/operation.ts';
import { getProgress, updateProgress } from '../../../../server/operations/progress.ts';

export const prerender = false;
export const { GET, POST, ALL } = bind({ GET: getProgress, POST: updateProgress });
