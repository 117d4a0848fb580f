import { bind } from '../../../../server/api/operation.ts';
import { changePassword } from '../../../../server/operations/auth.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: changePassword });
