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

export function securityHeaders(options: { https?: boolean } = {}): Record<string, string> {
	return {
		'Content-Security-Policy': CONTENT_SECURITY_POLICY,
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'strict-origin-when-cross-origin',
		'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
		'Cross-Origin-Opener-Policy': 'same-origin',
		'X-Frame-Options': 'DENY',
		...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
	};
}
