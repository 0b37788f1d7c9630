import { json } from '@sveltejs/kit';
import { meetingForScreen, storedAgenda } from '../access.server';
import type { RequestHandler } from './$types';

/**
 * The agenda as JSON, for a screen that cannot open the Yjs socket (the anonymous projector of a
 * public meeting): it fetches this again after each `meeting:state`.
 */
export const GET: RequestHandler = ({ locals, params, url }) => {
	const { db } = locals.services;
	const { meeting } = meetingForScreen(
		db,
		locals.actor,
		params.id,
		'projector',
		url.searchParams.get('code')
	);
	return json(storedAgenda(locals.services.docs, meeting.id), { headers: { 'cache-control': 'no-store' } });
};
