// Applies a saved theme before paint and wires the toggle; with no choice saved the system decides.
(() => {
	const root = document.documentElement;
	const saved = localStorage.getItem('theme');
	if (saved === 'light' || saved === 'dark') root.dataset.theme = saved;
	const current = () => root.dataset.theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
	addEventListener('DOMContentLoaded', () => {
		const button = document.querySelector('[data-theme-toggle]');
		if (!button) return;
		const label = () => button.setAttribute('aria-pressed', String(current() === 'dark'));
		button.hidden = false;
		label();
		button.addEventListener('click', () => {
			const next = current() === 'dark' ? 'light' : 'dark';
			root.dataset.theme = next;
			localStorage.setItem('theme', next);
			label();
		});
	});
})();
