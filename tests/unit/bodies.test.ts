import { describe, expect, it } from 'vitest';
import { noticeShortfall, proxiesAllowed } from '$lib/server/domain/bodies';
import { designateProxy } from '$lib/server/domain/ballots';
import { createMeeting, getMeeting } from '$lib/server/domain/meetings';
import { demoDb, residentActor, staff } from '../helpers/demo-db';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 1, 2));
const inDays = (d: number) => new Date(now.getTime() + d * DAY);

describe('legal notice periods', () => {
	it('asks ten days for a villagers’ assembly: exactly ten is enough, a minute less is a day short', () => {
		expect(noticeShortfall('villagerAssembly', now, inDays(10))).toBeNull();
		expect(noticeShortfall('villagerAssembly', now, new Date(inDays(10).getTime() - 60_000))).toMatchObject({
			days: 10,
			shortByDays: 1
		});
		expect(noticeShortfall('villagerAssembly', now, inDays(3))).toMatchObject({ shortByDays: 7 });
	});

	it('asks fifteen days for an owners’ assembly and cites the regulation', () => {
		expect(noticeShortfall('ownersAssembly', now, inDays(14))).toMatchObject({
			days: 15,
			shortByDays: 1,
			source: '物业管理条例 第十四条'
		});
		expect(noticeShortfall('ownersAssembly', now, inDays(15))).toBeNull();
	});

	it('leaves a building council to its own rules', () => {
		expect(noticeShortfall('buildingCouncil', now, inDays(0))).toBeNull();
	});

	it('records the body a meeting is held as, a building council unless said otherwise', async () => {
		const db = await demoDb();
		const f = staff(db, 'facilitator');
		const base = {
			title: 't',
			scopeType: 'estate' as const,
			scopeId: 1,
			startsAt: inDays(20),
			place: 'p',
			votingUnit: 'household' as const,
			isPublic: true
		};
		expect(getMeeting(db, createMeeting(db, f, base)).body).toBe('buildingCouncil');
		expect(getMeeting(db, createMeeting(db, f, { ...base, body: 'ownersAssembly' })).body).toBe(
			'ownersAssembly'
		);
	});

	it('takes proxies at owners’ assemblies and building councils, not at the assemblies of the law', async () => {
		const db = await demoDb();
		const f = staff(db, 'facilitator');
		const [a, b] = [residentActor(db, '1栋', 0), residentActor(db, '1栋', 1)];
		const meeting = (body: 'villagerAssembly' | 'ownersAssembly') =>
			createMeeting(db, f, {
				title: 't',
				scopeType: 'building',
				scopeId: 1,
				startsAt: inDays(20),
				place: 'p',
				votingUnit: 'household',
				isPublic: true,
				body
			});
		expect(() => designateProxy(db, a, meeting('villagerAssembly'), b.residentId!)).toThrow(
			'PROXY_NOT_ALLOWED'
		);
		designateProxy(db, a, meeting('ownersAssembly'), b.residentId!);
		expect(proxiesAllowed('buildingCouncil')).toBe(true);
		expect(proxiesAllowed('residentAssembly')).toBe(false);
	});
});
