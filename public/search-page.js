// Starts Pagefind's UI and runs the query from ?q= (the header's search form posts here).
addEventListener('DOMContentLoaded', () => {
	const ui = new PagefindUI({ element: '#search', showSubResults: true, showImages: false, resetStyles: false });
	const q = new URLSearchParams(location.search).get('q');
	if (q) ui.triggerSearch(q);
});
