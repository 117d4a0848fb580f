import { bind } from '../../../../server/api/operation.ts';
import { register } from '../../../../server/operations/auth.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: register });
