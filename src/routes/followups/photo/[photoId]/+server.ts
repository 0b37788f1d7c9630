/** A follow-up photo, only for those who may see the follow-up; never cached by shared caches. */
import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { errorMessage } from '$lib/i18n';
import { readConfig } from '$lib/server/config';
import { isDomainError } from '$lib/server/domain/errors';
import { photoFor } from '$lib/server/domain/follow-ups';
import { photoPath } from '$lib/server/photos';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => {
	const id = /^[1-9]\d{0,14}$/.test(params.photoId) ? Number(params.photoId) : 0;
	try {
		const p = photoFor(locals.services.db, locals.actor, id);
		const body = await readFile(photoPath(readConfig().uploadsDir, p.fileName));
		return new Response(new Uint8Array(body), {
			headers: {
				'content-type': p.mime,
				'cache-control': 'private, max-age=3600',
				'x-content-type-options': 'nosniff'
			}
		});
	} catch (e) {
		const code = isDomainError(e) ? e.code : 'NOT_FOUND';
		error(code === 'FORBIDDEN' ? 403 : 404, { message: errorMessage(code), code });
	}
};
