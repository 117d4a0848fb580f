/// <reference types="astro/client" />

declare namespace App {
	interface Locals {
		/** The signed-in learner, set by src/middleware.ts from the session cookie or bearer token. */
		user?: import('./server/auth/current-user.ts').CurrentUser | null;
		session?: { id: string; kind: string } | null;
		requestId?: string;
		/** The instant the request is handled at for the learner's calendar (src/server/clock.ts); set by src/middleware.ts. */
		now?: Date;
	}
}

declare module 'virtual:course' {
	/** The course being built (content/course.yaml), for page titles, the header and the footer. */
	export const course: { id: string; title: string; description: string; language: string };
}
