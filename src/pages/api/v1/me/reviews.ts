import { bind } from '../../../../server/api/operation.ts';
import { getReviewQueue, submitReview } from '../../../../server/operations/reviews.ts';

export const prerender = false;
export const { GET, POST, ALL } = bind({ GET: getReviewQueue, POST: submitReview });
