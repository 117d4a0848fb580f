/**
 * Who is calling, for per-address limits: the one definition. With no proxy the socket's address; behind
 * N trusted proxies (TRUST_PROXY=N, `true` = 1), the address the outermost trusted proxy saw: counted from
 * the right of X-Forwarded-For, as Express's `trust proxy` does. The leftmost entries are whatever the
 * client wrote, so they are never trusted.
 */
import { serverEnv } from './env.ts';
import type { HeaderReader } from './http/incoming.ts';

/** Pure: the client address given the socket peer, the X-Forwarded-For header and the trusted hop count. */
export function resolveClientAddress(socketAddress: string, forwardedFor: string | null, trustedHops: number): string {
	if (trustedHops <= 0 || !forwardedFor) return socketAddress;
	const hops = forwardedFor
		.split(',')
		.map((h) => h.trim())
		.filter(Boolean);
	if (hops.length === 0) return socketAddress;
	// The socket peer is the innermost proxy; each trusted proxy appended the address it received from.
	return hops[Math.max(0, hops.length - trustedHops)] as string;
}

function configuredHops(): number {
	return serverEnv().TRUST_PROXY;
}

export function clientAddress(context: { clientAddress: string; request: { headers: HeaderReader } }): string {
	let socket = 'unknown';
	try {
		socket = context.clientAddress;
	} catch {
		// The adapter cannot tell (a request built in-process): every such caller shares one bucket.
	}
	return resolveClientAddress(socket, context.request.headers.get('x-forwarded-for'), configuredHops());
}
