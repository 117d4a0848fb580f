// "/" focuses the header's search box (as on GitHub and MDN), unless the learner is typing somewhere.
addEventListener('keydown', (event) => {
	if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
	const target = event.target;
	if (target instanceof Element && target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
	const box = document.getElementById('site-search');
	if (!box) return;
	event.preventDefault();
	box.focus();
	box.select();
});
