import { bind } from '../../../../server/api/operation.ts';
import { getClassOverview } from '../../../../server/operations/instructor.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: getClassOverview });
