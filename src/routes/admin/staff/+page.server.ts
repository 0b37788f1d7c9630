import * as v from 'valibot';
import { ROLES, SCOPE_TYPES } from '$lib/server/domain/vocabulary';
import {
	assignRole,
	createStaff,
	deleteAccount,
	listStaff,
	removeRoleAssignment,
	ROLE_SCOPES
} from '$lib/server/domain/access';
import { communityName as nameOfCommunity, listNames, listPlaces } from '$lib/server/domain/roster-queries';
import { act, id, orError, text64 } from '$lib/server/form-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	const { db } = locals.services;
	const actor = locals.actor!; // the layout's guard has checked
	return orError(() => {
		const places = listPlaces(db, actor);
		const communityName = nameOfCommunity(db, actor.communityId);
		// Every place a role can be held in, as one "type:id" choice.
		const scopes = [
			{ value: `community:${actor.communityId}`, type: 'community' as const, label: communityName },
			...places.estates.map((e) => ({ value: `estate:${e.id}`, type: 'estate' as const, label: e.name })),
			...places.grids.map((g) => ({ value: `grid:${g.id}`, type: 'grid' as const, label: g.name })),
			...places.buildings.map((b) => ({
				value: `building:${b.id}`,
				type: 'building' as const,
				label: [b.estateName, b.name].filter(Boolean).join(' ')
			})),
			...listNames(db, actor, 'householdGroup').map((g) => ({
				value: `householdGroup:${g.id}`,
				type: 'householdGroup' as const,
				label: g.name
			})),
			...listNames(db, actor, 'department').map((d) => ({
				value: `department:${d.id}`,
				type: 'department' as const,
				label: d.name
			}))
		];
		const labels = new Map(scopes.map((s) => [s.value, s.label]));
		const staff = listStaff(db, actor).map((u) => ({
			...u,
			roles: u.roles.map((r) => ({ ...r, scopeLabel: labels.get(`${r.scopeType}:${r.scopeId}`) ?? '' }))
		}));
		return { staff, scopes, roles: ROLES, roleScopes: ROLE_SCOPES, selfId: actor.userId };
	});
};

const StaffForm = v.object({
	username: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_.-]{2,64}$/)),
	displayName: text64,
	password: v.pipe(v.string(), v.minLength(8), v.maxLength(256))
});

const RoleForm = v.pipe(
	v.object({
		userId: id,
		role: v.picklist(ROLES),
		scope: v.pipe(v.string(), v.regex(new RegExp(`^(?:${SCOPE_TYPES.join('|')}):[1-9]\\d{0,14}$`)))
	}),
	v.transform(({ userId, role, scope }) => {
		const [scopeType, scopeId] = scope.split(':') as [(typeof SCOPE_TYPES)[number], string];
		return { userId, role, scopeType, scopeId: Number(scopeId) };
	})
);

export const actions: Actions = {
	createStaff: (e) => act(e, StaffForm, createStaff, 'created'),
	assignRole: (e) => act(e, RoleForm, assignRole, 'created'),
	removeRole: (e) => act(e, v.object({ roleAssignmentId: id }), removeRoleAssignment, 'deleted'),
	deleteAccount: (e) => act(e, v.object({ userId: id }), deleteAccount, 'deleted')
};
