/**
 * The OAuth provider a native MCP client would write for the SDK client: keeps everything in memory and sends
 * no `state` (PKCE alone). With `clientMetadataUrl` the SDK identifies the client by that Client ID Metadata
 * Document instead of registering, when the server advertises support.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationFull, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export class MemoryProvider implements OAuthClientProvider {
	info: OAuthClientInformationFull | undefined;
	saved: OAuthTokens | undefined;
	verifier = '';
	authorizationUrl: URL | undefined;
	readonly clientMetadataUrl: string | undefined;
	constructor(
		/** Where the client listens this time: may be a loopback port other than the registered one (RFC 8252 §7.3). */
		readonly redirectUrl: string,
		readonly registeredRedirect: string = redirectUrl,
		options: { clientMetadataUrl?: string } = {},
	) {
		this.clientMetadataUrl = options.clientMetadataUrl;
	}
	get clientMetadata(): OAuthClientMetadata {
		return {
			client_name: 'SDK test client',
			redirect_uris: [this.registeredRedirect],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'none',
		};
	}
	clientInformation() {
		return this.info;
	}
	saveClientInformation(info: OAuthClientInformationFull) {
		this.info = info;
	}
	tokens() {
		return this.saved;
	}
	saveTokens(tokens: OAuthTokens) {
		this.saved = tokens;
	}
	redirectToAuthorization(url: URL) {
		this.authorizationUrl = url;
	}
	saveCodeVerifier(verifier: string) {
		this.verifier = verifier;
	}
	codeVerifier() {
		return this.verifier;
	}
}
