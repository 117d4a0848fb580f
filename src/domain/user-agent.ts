/**
 * A browser's User-Agent as a learner recognises it on the sessions list: "Chrome on Linux", "Safari on iOS".
 * Only the common browsers and systems are named; anything else (an API token's label, a CLI) is shown as it
 * is, shortened. Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
 */
const BROWSERS: [RegExp, string][] = [
	[/\bEdg(?:e|A|iOS)?\//, 'Edge'],
	[/\b(?:OPR|Opera)\//, 'Opera'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\b(?:Firefox|FxiOS)\//, 'Firefox'],
	[/\b(?:Chrome|Chromium|CriOS)\//, 'Chrome'],
	[/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
	[/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
	[/\bAndroid\b/, 'Android'],
	[/\bCrOS\b/, 'ChromeOS'],
	[/\bWindows\b/, 'Windows'],
	[/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
	[/\bLinux\b/, 'Linux'],
];

export function describeUserAgent(label: string, maxLength = 60): string {
	if (label.startsWith('Mozilla/')) {
		const browser = BROWSERS.find(([pattern]) => pattern.test(label))?.[1];
		const system = SYSTEMS.find(([pattern]) => pattern.test(label))?.[1];
		if (browser && system) return `${browser} on ${system}`;
		if (browser || system) return browser ?? `A browser on ${system}`;
	}
	return label.length > maxLength ? `${label.slice(0, maxLength - 1)}…` : label;
}
