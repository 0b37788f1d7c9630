import type { Actor } from '$lib/server/authz';
import type { SessionUser } from '$lib/server/session';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: { id: string; expiresAt: Date } | null;
			actor: Actor | null;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
