import { bind } from '../../../../server/api/operation.ts';
import { requestPasswordReset } from '../../../../server/operations/password-reset.ts';

export const prerender = false;
export const { POST, ALL } = bind({ POST: requestPasswordReset });
