/**
 * The domain and the session code raise one event when rights end (domain/access-events.ts): a role
 * removed, an account deleted, cards reissued, a session ended or expired. The live layers subscribe
 * to it; here we check what is raised, when, and that a refused act raises nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { auditEntry, household, resident, roleAssignment, session, user } from '$lib/server/db/schema';
import { subscribeAccessEvents, type AccessEvent } from '$lib/server/domain/access-events';
import { deleteAccount, issueBuildingCards, removeRoleAssignment } from '$lib/server/domain/access';
import { redeemInvitation } from '$lib/server/domain/accounts';
import { isDomainError } from '$lib/server/domain/errors';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	SESSION_LIFETIME,
	validateSessionToken
} from '$lib/server/session';
import { demoDb, staff } from '../helpers/demo-db';

const unsubscribes: Array<() => void> = [];
afterEach(() => {
	while (unsubscribes.length) unsubscribes.pop()!();
});

/** Every event raised from now on, each with what the database said when it was delivered. */
function listen(check: (e: AccessEvent) => unknown = () => null) {
	const seen: Array<{ event: AccessEvent; atDelivery: unknown }> = [];
	unsubscribes.push(subscribeAccessEvents((event) => seen.push({ event, atDelivery: check(event) })));
	return seen;
}

const delivered = () => new Promise((r) => setTimeout(r, 0));
const userId = (db: Db, username: string) =>
	db.select().from(user).where(eq(user.username, username)).get()!.id;

function codeOf(fn: () => unknown): string {
	try {
		fn();
	} catch (e) {
		if (isDomainError(e)) return e.code + (e.details?.reason ? `:${String(e.details.reason)}` : '');
		throw e;
	}
	return 'no error';
}

describe('access events', () => {
	it('says whose roles changed once the removal is stored, and nothing for a refused removal', async () => {
		const db = await demoDb();
		const committee = userId(db, 'committee');
		const assignment = db.select().from(roleAssignment).where(eq(roleAssignment.userId, committee)).get()!;
		const seen = listen(() =>
			db.select().from(roleAssignment).where(eq(roleAssignment.id, assignment.id)).get()
		);
		removeRoleAssignment(db, staff(db, 'admin'), { roleAssignmentId: assignment.id });
		expect(seen).toEqual([]); // delivered after the act, never in the middle of it
		await delivered();
		expect(seen).toEqual([{ event: { kind: 'usersChanged', userIds: [committee] }, atDelivery: undefined }]);

		const adminRole = db
			.select()
			.from(roleAssignment)
			.where(eq(roleAssignment.userId, userId(db, 'admin')))
			.get()!;
		expect(
			codeOf(() => removeRoleAssignment(db, staff(db, 'admin'), { roleAssignmentId: adminRole.id }))
		).toBe('INVALID_INPUT:LAST_ADMIN');
		await delivered();
		expect(seen).toHaveLength(1);
	});

	it('names the sessions that reissued cards ended, and only those', async () => {
		const db = await demoDb();
		const [first, second] = db
			.select({ id: resident.id })
			.from(resident)
			.innerJoin(household, eq(resident.householdId, household.id))
			.where(eq(household.buildingId, 1))
			.orderBy(resident.id)
			.all();
		const { cards } = issueBuildingCards(db, staff(db, 'admin'), { buildingId: 1 });
		const phoneSession = (residentId: number) => {
			const { userId, invitationId } = redeemInvitation(
				db,
				cards.find((c) => c.residentId === residentId)!.token
			);
			return createSession(db, generateSessionToken(), userId, Date.now(), invitationId).id;
		};
		const phones = [phoneSession(first.id), phoneSession(first.id), phoneSession(second.id)];
		const staffSession = createSession(db, generateSessionToken(), userId(db, 'building1')).id;
		const seen = listen();
		issueBuildingCards(db, staff(db, 'admin'), { buildingId: 1 });
		await delivered();
		const ended = seen.flatMap(({ event }) => (event.kind === 'sessionsEnded' ? event.sessionIds : []));
		expect(ended.sort()).toEqual([...phones].sort());
		expect(ended).not.toContain(staffSession);
		expect(db.select().from(session).where(eq(session.id, staffSession)).get()).toBeDefined();
	});

	it('says a session ended at logout and when it is found expired', async () => {
		const db = await demoDb();
		const uid = userId(db, 'facilitator');
		const loggedOut = createSession(db, generateSessionToken(), uid).id;
		const token = generateSessionToken();
		const expired = createSession(db, token, uid, Date.now() - SESSION_LIFETIME - 1).id;
		const seen = listen();
		invalidateSession(db, loggedOut);
		expect(validateSessionToken(db, token).session).toBeNull();
		await delivered();
		expect(seen.map(({ event }) => event)).toEqual([
			{ kind: 'sessionsEnded', sessionIds: [loggedOut] },
			{ kind: 'sessionsEnded', sessionIds: [expired] }
		]);
	});

	it('deletes a staff account: no login, no roles, no sessions, audited, and its connections told', async () => {
		const db = await demoDb();
		const admin = staff(db, 'admin');
		const uid = userId(db, 'committee');
		const s1 = createSession(db, generateSessionToken(), uid).id;
		const s2 = createSession(db, generateSessionToken(), uid).id;
		const seen = listen();
		deleteAccount(db, admin, { userId: uid });
		await delivered();
		expect(seen.map(({ event }) => event)).toEqual([
			{ kind: 'sessionsEnded', sessionIds: [s1, s2] },
			{ kind: 'usersChanged', userIds: [uid] }
		]);
		const row = db.select().from(user).where(eq(user.id, uid)).get()!;
		expect(row.disabledAt).not.toBeNull();
		expect(row.passwordHash).toBeNull();
		expect(db.select().from(roleAssignment).where(eq(roleAssignment.userId, uid)).all()).toEqual([]);
		expect(db.select().from(session).where(eq(session.userId, uid)).all()).toEqual([]);
		const entry = db
			.select()
			.from(auditEntry)
			.where(and(eq(auditEntry.action, 'account.delete'), eq(auditEntry.subjectId, uid)))
			.get()!;
		expect(entry.actorUserId).toBe(admin.userId);
		expect(JSON.parse(entry.detail)).toMatchObject({
			username: 'committee',
			roles: [{ role: 'committee', scopeType: 'community' }]
		});
		// Deleting it twice finds nothing.
		expect(codeOf(() => deleteAccount(db, admin, { userId: uid }))).toBe('NOT_FOUND');
	});

	it('refuses to delete one’s own account, a resident’s account, or for anyone but an admin; raises nothing', async () => {
		const db = await demoDb();
		const admin = staff(db, 'admin');
		const residentUser = db
			.insert(user)
			.values({ communityId: admin.communityId, displayName: '王秀英', residentId: 1 })
			.returning()
			.get().id;
		const seen = listen();
		expect(codeOf(() => deleteAccount(db, admin, { userId: admin.userId }))).toBe('INVALID_INPUT:SELF');
		expect(codeOf(() => deleteAccount(db, admin, { userId: residentUser }))).toBe('INVALID_INPUT:NOT_STAFF');
		expect(
			codeOf(() => deleteAccount(db, staff(db, 'facilitator'), { userId: userId(db, 'committee') }))
		).toBe('FORBIDDEN');
		await delivered();
		expect(seen).toEqual([]);
		expect(db.select().from(user).where(eq(user.username, 'committee')).get()!.disabledAt).toBeNull();
	});
});
