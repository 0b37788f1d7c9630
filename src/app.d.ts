import type { Actor } from '$lib/server/authz';
import type { Services } from '$lib/server/services';
import type { SessionUser } from '$lib/server/session';

declare global {
	namespace App {
		interface Locals {
			/** The database and documents, made once at start by the init hook (src/hooks.server.ts). */
			services: Services;
			user: SessionUser | null;
			session: { id: string; expiresAt: Date } | null;
			actor: Actor | null;
			/** 长辈版 (elder mode) for this request: the device's choice, else the account's. */
			elder: boolean;
		}
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};
