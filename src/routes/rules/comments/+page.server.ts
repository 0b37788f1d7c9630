import * as v from 'valibot';
import {
	acceptSuggestion,
	addComment,
	declineSuggestion,
	listComments,
	replyToComment
} from '$lib/server/domain/rules-comments';
import { act, id, orError } from '$lib/server/form-actions';
import { ms, rulesContext } from '../rules.server';
import type { Actions, PageServerLoad } from './$types';

const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const optional = (max: number) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(max),
		v.transform((s) => s || null)
	);

export const load: PageServerLoad = ({ locals }) =>
	orError(() => {
		const ctx = rulesContext(locals.services.docs, locals.actor);
		return {
			canEdit: ctx.canEdit,
			canComment: ctx.canComment,
			clauses: ctx.draft.items.filter((i) => i.kind === 'clause').map((i) => ({ id: i.id, label: i.label })),
			comments: listComments(locals.services.db, locals.actor).map((c) => ({
				...c,
				createdAt: ms(c.createdAt),
				replies: c.replies.map((r) => ({
					id: r.id,
					body: r.body,
					author: r.author,
					createdAt: ms(r.createdAt)
				}))
			}))
		};
	});

const Add = v.object({
	clauseId: text(64),
	kind: v.picklist(['comment', 'suggestion']),
	body: text(1000),
	suggestion: optional(2000),
	quote: v.optional(v.pipe(v.string(), v.maxLength(500)), ''),
	anchorStart: optional(400),
	anchorEnd: optional(400)
});

export const actions: Actions = {
	add: async (e) =>
		withWord(
			await act(e, Add, (db, actor, c) => addComment(db, e.locals.services.docs, actor, c), 'created'),
			'added'
		),
	reply: async (e) =>
		withWord(
			await act(
				e,
				v.object({ parentId: id, body: text(1000) }),
				(db, actor, r) => replyToComment(db, actor, r.parentId, r.body),
				'created'
			),
			'replied'
		),
	accept: async (e) =>
		withWord(
			await act(
				e,
				v.object({ id }),
				(db, actor, r) => acceptSuggestion(db, e.locals.services.docs, actor, r.id),
				'saved'
			),
			'accepted'
		),
	decline: async (e) =>
		withWord(
			await act(
				e,
				v.object({ id, reason: text(500) }),
				(db, actor, r) => declineSuggestion(db, actor, r.id, r.reason),
				'saved'
			),
			'declined'
		)
};

/** The panel's own words for what was done (the roster's generic ones do not fit). */
function withWord<R>(result: R, word: string): R {
	return result && typeof result === 'object' && 'done' in result ? ({ ...result, done: word } as R) : result;
}
