import { bind } from '../../../../server/api/operation.ts';
import { getStreak } from '../../../../server/operations/progress.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getStreak });
