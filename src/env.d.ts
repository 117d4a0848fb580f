/// <reference types="astro/client" />

declare namespace App {
	interface Locals {
		/** The signed-in learner, set by src/middleware.ts from the session cookie or bearer token. */
		user?: import('./server/auth/current-user.ts').CurrentUser | null;
		session?: { id: string; kind: string } | null;
		requestId?: string;
	}
}
