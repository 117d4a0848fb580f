/** The Redis server the shared-limit tests use (.ci/run starts one when it is missing). */
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING at TEST_REDIS_URL within a second. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
	const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
	redis.on('error', () => {});
	try {
		await redis.connect();
		return (await redis.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		redis.disconnect();
	}
}
