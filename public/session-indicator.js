// Static pages cannot know who is signed in; the server leaves the display name in a readable cookie.
(() => {
	const match = document.cookie.match(/(?:^|;\s*)cc_user=([^;]+)/);
	if (!match) return;
	const link = document.querySelector('[data-sign-in]');
	if (!link) return;
	link.textContent = decodeURIComponent(match[1]);
	link.setAttribute('href', '/account');
	link.setAttribute('data-signed-in', '');
})();
