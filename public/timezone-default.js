// Pre-selects the browser's own time zone in a [data-default-timezone] select (the server cannot know it).
(() => {
	const select = document.querySelector('select[data-default-timezone]');
	const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
	if (select && zone && [...select.options].some((o) => o.value === zone)) select.value = zone;
})();
