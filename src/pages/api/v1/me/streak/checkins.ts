import { bind } from '../../../../../server/api/operation.ts';
import { recordCheckin } from '../../../../../server/operations/progress.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: recordCheckin });
