/**
 * Security headers for every response the Node server sends; netlify.toml sets the same for the
 * CDN. The CSP allows only our own scripts and styles: pages use no inline scripts or styles
 * (Prism emits classes; theme and search scripts are files). Pagefind needs wasm-unsafe-eval.
 */
export const CONTENT_SECURITY_POLICY = [
	"default-src 'self'",
	"script-src 'self' 'wasm-unsafe-eval'",
	"style-src 'self'",
	"img-src 'self' data:",
	"font-src 'self'",
	"connect-src 'self'",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
].join('; ');

/**
 * `npm run dev` only: Vite injects styles as inline <style> elements, runs its client inline and talks to
 * its HMR server over a WebSocket, none of which the production policy allows.
 */
export const DEVELOPMENT_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
	"script-src 'self' 'wasm-unsafe-eval'",
	"script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
)
	.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
	.replace("connect-src 'self'", "connect-src 'self' ws: wss:");

export function securityHeaders(options: { https?: boolean; development?: boolean } = {}): Record<string, string> {
	return {
		'Content-Security-Policy': options.development ? DEVELOPMENT_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'strict-origin-when-cross-origin',
		'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
		'Cross-Origin-Opener-Policy': 'same-origin',
		'X-Frame-Options': 'DENY',
		...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
	};
}
