/**
 * The client's address for per-IP limits. Behind a trusted proxy (Netlify, a load balancer:
 * TRUST_PROXY=true) every request arrives from the proxy, so the first X-Forwarded-For hop is used.
 */
const trustProxy = ['true', '1'].includes(process.env.TRUST_PROXY ?? '');

export function clientIp(context: { clientAddress: string; request: Request }): string {
	if (trustProxy) {
		const forwarded = context.request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
		if (forwarded) return forwarded;
	}
	try {
		return context.clientAddress;
	} catch {
		return 'unknown';
	}
}
