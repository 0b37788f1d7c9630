/**
 * Written proxies of a village committee election (村民委员会组织法 Art 15): a registered voter who is
 * away may give a written proxy to a close relative who also has a vote. The election staff record
 * the letter they received; one person carries at most three proxies; and the list of who votes for
 * whom is published to the meeting. (Self-service proxies of other bodies are in voters.ts.)
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db';
import type { Actor } from '../authz';
import { proxy, resident } from '../db/schema';
import { CLOSE_RELATIVES, MAX_WRITTEN_PROXIES, proxyPolicy, type CloseRelative } from './bodies';
import { DomainError } from './errors';
import { eligibleParticipants } from './eligibility';
import { getMeeting, meetingFor } from './meetings';
import { recordAudit } from './audit';
import { requireNoOpenPoll, revokeActive } from './voters';

export function recordWrittenProxy(
	db: Db,
	actor: Actor | null,
	input: { meetingId: number; grantorResidentId: number; proxyResidentId: number; relation: string },
	now = Date.now()
) {
	const m = meetingFor(db, actor, input.meetingId, 'meeting.manage');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	if (proxyPolicy(m.body) !== 'written') throw new DomainError('PROXY_NOT_ALLOWED', { body: m.body });
	const { grantorResidentId: grantor, proxyResidentId: holder } = input;
	if (!CLOSE_RELATIVES.includes(input.relation as CloseRelative))
		throw new DomainError('INVALID_INPUT', { field: 'relation' });
	if (grantor === holder) throw new DomainError('INVALID_INPUT', { field: 'proxyResidentId' });
	const voters = new Set(eligibleParticipants(db, m, m.startsAt).map((e) => e.residentId));
	if (!voters.has(grantor) || !voters.has(holder)) throw new DomainError('NOT_ELIGIBLE');
	db.transaction((tx) => {
		requireNoOpenPoll(tx, m.id);
		const carried = tx
			.select({ grantor: proxy.grantorResidentId })
			.from(proxy)
			.where(and(eq(proxy.meetingId, m.id), eq(proxy.proxyResidentId, holder), isNull(proxy.revokedAt)))
			.all()
			.filter((p) => p.grantor !== grantor).length;
		if (carried >= MAX_WRITTEN_PROXIES) throw new DomainError('PROXY_LIMIT', { max: MAX_WRITTEN_PROXIES });
		// No chains: someone away (who gave a proxy) carries none, and a proxy holder gives none.
		const active = (who: 'grantor' | 'holder', id: number) =>
			tx
				.select({ id: proxy.id })
				.from(proxy)
				.where(
					and(
						eq(proxy.meetingId, m.id),
						eq(who === 'grantor' ? proxy.grantorResidentId : proxy.proxyResidentId, id),
						isNull(proxy.revokedAt)
					)
				)
				.get();
		if (active('grantor', holder) || active('holder', grantor))
			throw new DomainError('INVALID_INPUT', { field: 'proxyResidentId' });
		revokeActive(tx, m.id, grantor, now);
		tx.insert(proxy)
			.values({
				meetingId: m.id,
				grantorResidentId: grantor,
				proxyResidentId: holder,
				relation: input.relation,
				recordedByUserId: actor!.userId,
				createdAt: new Date(now)
			})
			.run();
		const detail = { grantorResidentId: grantor, proxyResidentId: holder, relation: input.relation };
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: actor!.userId,
				action: 'proxy.record',
				subjectType: 'meeting',
				subjectId: m.id,
				detail
			},
			now
		);
	});
}

/** Withdraws a recorded written proxy (before any poll opens). */
export function withdrawWrittenProxy(
	db: Db,
	actor: Actor | null,
	input: { meetingId: number; grantorResidentId: number },
	now = Date.now()
) {
	const m = meetingFor(db, actor, input.meetingId, 'meeting.manage');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	if (proxyPolicy(m.body) !== 'written') throw new DomainError('PROXY_NOT_ALLOWED', { body: m.body });
	db.transaction((tx) => {
		requireNoOpenPoll(tx, m.id);
		revokeActive(tx, m.id, input.grantorResidentId, now);
		const detail = { grantorResidentId: input.grantorResidentId };
		recordAudit(
			tx,
			{
				communityId: m.communityId,
				actorUserId: actor!.userId,
				action: 'proxy.revoke',
				subjectType: 'meeting',
				subjectId: m.id,
				detail
			},
			now
		);
	});
}

/** 委托投票名单: who votes for whom at this meeting, for everyone who may see the meeting. */
export function publishedProxies(db: Db, actor: Actor | null, meetingId: number) {
	const m = meetingFor(db, actor, meetingId, 'meeting.view');
	const holder = alias(resident, 'holder');
	return db
		.select({
			grantorResidentId: proxy.grantorResidentId,
			grantor: resident.name,
			proxy: holder.name,
			relation: proxy.relation
		})
		.from(proxy)
		.innerJoin(resident, eq(proxy.grantorResidentId, resident.id))
		.innerJoin(holder, eq(proxy.proxyResidentId, holder.id))
		.where(and(eq(proxy.meetingId, m.id), isNull(proxy.revokedAt)))
		.orderBy(proxy.id)
		.all();
}

/**
 * 委托: the meeting's other eligible participants (neighbours in the same council) and this
 * resident's standing designation; null when the resident is not a participant of this meeting.
 */
export function proxyChoices(db: Db, meetingId: number, residentId: number) {
	const m = getMeeting(db, meetingId);
	const eligible = eligibleParticipants(db, m, m.startsAt);
	if (!eligible.some((e) => e.residentId === residentId)) return null;
	const current =
		db
			.select({ residentId: proxy.proxyResidentId, name: resident.name })
			.from(proxy)
			.innerJoin(resident, eq(proxy.proxyResidentId, resident.id))
			.where(
				and(eq(proxy.meetingId, meetingId), eq(proxy.grantorResidentId, residentId), isNull(proxy.revokedAt))
			)
			.orderBy(desc(proxy.id))
			.get() ?? null;
	return {
		choices: eligible
			.filter((e) => e.residentId !== residentId)
			.map((e) => ({ residentId: e.residentId, name: e.name, unit: e.unit, buildingName: e.buildingName })),
		current
	};
}
