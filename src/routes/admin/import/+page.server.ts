import { fail } from '@sveltejs/kit';
import { importColumns, importRosterCsv } from '$lib/server/domain/roster-import';
import { runAction } from '$lib/server/forms';
import { failed } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

/** A county-sized roster is well under this; anything bigger is the wrong file. */
const MAX_BYTES = 5 * 1024 * 1024;

export const load: PageServerLoad = async ({ parent }) => {
	await parent();
	return { columns: importColumns() };
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const file = (await request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { code: 'INVALID_INPUT', field: 'file' });
		if (file.size > MAX_BYTES) return fail(400, { code: 'INVALID_INPUT', field: 'fileSize' });
		const bytes = new Uint8Array(await file.arrayBuffer());
		const result = await runAction(() => importRosterCsv(locals.services.db, locals.actor, bytes));
		if (failed(result)) return result;
		return { summary: result, fileName: file.name };
	}
};
