import { bind } from '../../../../server/api/operation.ts';
import { verifyCertificate } from '../../../../server/operations/certificates.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: verifyCertificate });
