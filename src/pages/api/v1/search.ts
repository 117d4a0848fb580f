import { bind } from '../../../server/api/operation.ts';
import { searchContent } from '../../../server/operations/search.ts';

export const prerender = false;
export const { GET, ALL } = bind({ GET: searchContent });
