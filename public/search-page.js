// Loads Pagefind's UI only for an actual search (?q= from this page's form or the header's), then runs it.
(() => {
	const q = new URLSearchParams(location.search).get('q');
	const root = document.querySelector('[data-search-ui]');
	if (!q || !root) return;
	const css = document.createElement('link');
	css.rel = 'stylesheet';
	css.href = '/pagefind/pagefind-ui.css';
	document.head.append(css);
	const script = document.createElement('script');
	script.src = '/pagefind/pagefind-ui.js';
	script.onload = () => {
		// Pagefind renders its own search box: the plain form steps aside.
		root.querySelector('[data-search-form]')?.remove();
		const ui = new PagefindUI({ element: '#search', showSubResults: true, showImages: false, resetStyles: false });
		ui.triggerSearch(q);
	};
	document.head.append(script);
})();
