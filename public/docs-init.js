// Mounts Scalar's API reference on /openapi.json: local fonts only, no hosted AI assistant, no developer-tools bar.
Scalar.createApiReference('#app', {
	url: '/openapi.json',
	withDefaultFonts: false,
	agent: { disabled: true },
	showDeveloperTools: 'never',
	hideClientButton: false,
});
