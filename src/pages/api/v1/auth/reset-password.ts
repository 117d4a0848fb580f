import { bind } from '../../../../server/api/operation.ts';
import { resetPassword } from '../../../../server/operations/password-reset.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: resetPassword });
