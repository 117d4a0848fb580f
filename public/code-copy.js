// Copy buttons on code blocks (rendered hidden, shown only where the clipboard API exists).
(() => {
	if (!navigator.clipboard) return;
	for (const button of document.querySelectorAll('[data-copy-code]')) {
		const code = button.parentElement?.querySelector('pre code');
		if (!code) continue;
		button.hidden = false;
		button.setAttribute('aria-label', 'Copy code to clipboard');
		button.addEventListener('click', async () => {
			try {
				await navigator.clipboard.writeText(code.textContent ?? '');
				button.textContent = 'Copied';
			} catch {
				button.textContent = 'Press Ctrl+C to copy';
			}
			setTimeout(() => {
				button.textContent = 'Copy';
			}, 2000);
		});
	}
})();
