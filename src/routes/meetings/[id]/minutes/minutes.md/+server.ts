import { getMinutes } from '$lib/server/domain/minutes';
import { toMarkdown } from '$lib/server/exports/minutes-export';
import { parseMeetingId } from '../../../../m/[id]/access.server';
import { orError } from '$lib/server/form-actions';
import type { RequestHandler } from './$types';

/** The minutes as a Markdown file, for whoever may read them (drafts say so at the top). */
export const GET: RequestHandler = ({ locals, params }) => {
	const id = parseMeetingId(params.id);
	const view = orError(() => getMinutes(locals.services.db, locals.services.docs, locals.actor, id));
	const seal = view.hash ? { hash: view.hash, signedAt: view.signedAt } : null;
	const name = `minutes-${id}${seal ? '' : '-draft'}.md`;
	return new Response(toMarkdown(view.content, seal), {
		headers: {
			'Content-Type': 'text/markdown; charset=utf-8',
			'Content-Disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`会议纪要-${name}`)}`,
			'Cache-Control': 'no-store'
		}
	});
};
