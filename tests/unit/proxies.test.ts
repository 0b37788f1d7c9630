import { describe, expect, it } from 'vitest';
import { auditEntry, proxy } from '$lib/server/db/schema';
import { castBallot, designateProxy, revokeProxy } from '$lib/server/domain/ballots';
import { markAttendance } from '$lib/server/domain/attendance';
import { proxyPolicy } from '$lib/server/domain/bodies';
import { createMeeting, openMeeting } from '$lib/server/domain/meetings';
import { openPoll } from '$lib/server/domain/polls';
import { publishedProxies, recordWrittenProxy, withdrawWrittenProxy } from '$lib/server/domain/proxies';
import { DEFAULT_RULES } from '$lib/server/domain/tally';
import type { Body } from '$lib/server/db/schema';
import { createYjsServer } from '$lib/server/yjs';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const T0 = Date.UTC(2026, 10, 27, 11);

async function meeting(body: Body) {
	const db = await demoDb();
	const f = staff(db, 'facilitator');
	const meetingId = createMeeting(db, f, {
		title: '第一村民小组选举',
		scopeType: 'estate',
		scopeId: 1,
		startsAt: new Date(T0),
		place: '村委会',
		votingUnit: 'resident',
		isPublic: true,
		body
	});
	const people = [0, 1, 2, 3, 4, 5].map((i) => residentActor(db, '2栋', i));
	return { db, f, meetingId, people };
}

describe('self-service proxies', () => {
	it('withdraws a designation, and audits both the designation and its withdrawal', async () => {
		const { db, meetingId, people } = await meeting('buildingCouncil');
		const [a, b] = people;
		designateProxy(db, a, meetingId, b.residentId!, T0);
		revokeProxy(db, a, meetingId, T0 + 1);
		expect(db.select().from(proxy).all()).toMatchObject([{ revokedAt: new Date(T0 + 1) }]);
		const entries = db.select().from(auditEntry).all();
		expect(entries.map((e) => [e.action, e.actorUserId, e.subjectId, JSON.parse(e.detail)])).toEqual([
			[
				'proxy.designate',
				a.userId,
				meetingId,
				{ grantorResidentId: a.residentId, proxyResidentId: b.residentId }
			],
			[
				'proxy.revoke',
				a.userId,
				meetingId,
				{ grantorResidentId: a.residentId, proxyResidentId: b.residentId }
			]
		]);
	});

	it('says there is nothing to withdraw when no proxy is given, and audits nothing', async () => {
		const { db, meetingId, people } = await meeting('buildingCouncil');
		expect(() => revokeProxy(db, people[0], meetingId, T0)).toThrow('PROXY_NOT_DESIGNATED');
		expect(db.select().from(auditEntry).all()).toHaveLength(0);
	});
});

describe('proxies by body', () => {
	it('names the policy: self-service for owners and building councils, written for village elections, none for assemblies', () => {
		expect(proxyPolicy('ownersAssembly')).toBe('self');
		expect(proxyPolicy('buildingCouncil')).toBe('self');
		expect(proxyPolicy('villageElection')).toBe('written');
		for (const b of [
			'villagerAssembly',
			'villagerGroup',
			'residentAssembly',
			'villagerRepresentatives'
		] as const)
			expect(proxyPolicy(b)).toBe('none');
	});

	it('takes a village election proxy only in writing, to a named close relative, recorded by staff, and publishes it', async () => {
		const { db, f, meetingId, people } = await meeting('villageElection');
		const [a, b] = people;
		expect(() => designateProxy(db, a, meetingId, b.residentId!, T0)).toThrow('PROXY_NOT_ALLOWED');
		const input = { meetingId, grantorResidentId: a.residentId!, proxyResidentId: b.residentId! };
		expect(() => recordWrittenProxy(db, a, { ...input, relation: 'spouse' }, T0)).toThrow('FORBIDDEN');
		expect(() => recordWrittenProxy(db, f, { ...input, relation: 'neighbour' }, T0)).toThrow('INVALID_INPUT');
		expect(db.select().from(proxy).all()).toHaveLength(0);
		recordWrittenProxy(db, f, { ...input, relation: 'spouse' }, T0);
		expect(publishedProxies(db, people[4], meetingId)).toEqual([
			{ grantorResidentId: a.residentId, grantor: a.displayName, proxy: b.displayName, relation: 'spouse' }
		]);
		withdrawWrittenProxy(db, f, { meetingId, grantorResidentId: a.residentId! }, T0 + 1);
		expect(publishedProxies(db, people[4], meetingId)).toEqual([]);
	});

	it('lets one person carry at most three written proxies, and the proxy votes for each', async () => {
		const { db, f, meetingId, people } = await meeting('villageElection');
		const holder = people[0];
		for (const g of people.slice(1, 4))
			recordWrittenProxy(
				db,
				f,
				{
					meetingId,
					grantorResidentId: g.residentId!,
					proxyResidentId: holder.residentId!,
					relation: 'child'
				},
				T0
			);
		expect(() =>
			recordWrittenProxy(
				db,
				f,
				{
					meetingId,
					grantorResidentId: people[4].residentId!,
					proxyResidentId: holder.residentId!,
					relation: 'parent'
				},
				T0
			)
		).toThrow('PROXY_LIMIT');
		openMeeting(db, f, meetingId, T0);
		markAttendance(db, f, meetingId, holder.residentId!, true, T0);
		const docs = createYjsServer({ db });
		const pollId = openPoll(
			db,
			docs,
			f,
			{
				meetingId,
				agendaItemId: null,
				question: '选举村民委员会主任',
				type: 'single',
				options: ['张三', '李四'],
				rules: { ...DEFAULT_RULES, preset: { id: 'villageElection', base: 'adults' } },
				durationSeconds: null
			},
			T0
		);
		const receipt = (i: number) => `abcdefghj${'kmnp'[i]}`;
		people.slice(1, 4).forEach((g, i) => {
			const r = castBallot(
				db,
				holder,
				{
					pollId,
					ballotId: `proxy-ballot-${i}-xx`,
					receipt: receipt(i),
					choices: ['o1'],
					forResidentId: g.residentId!
				},
				T0 + 1
			);
			expect(r.duplicate).toBe(false);
		});
		await docs.close();
	});

	it('refuses written proxies where the body takes none', async () => {
		const { db, f, meetingId, people } = await meeting('villagerAssembly');
		expect(() =>
			recordWrittenProxy(
				db,
				f,
				{
					meetingId,
					grantorResidentId: people[0].residentId!,
					proxyResidentId: people[1].residentId!,
					relation: 'spouse'
				},
				T0
			)
		).toThrow('PROXY_NOT_ALLOWED');
	});
});
