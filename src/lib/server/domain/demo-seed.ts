/**
 * The demo community a newcomer sees on first start (DEMO_SEED=0 turns it off): 湖畔社区 with
 * 富春小区, 7 buildings, 42 households with one resident each (with floor areas and owners, and
 * some residents on the representatives' roll), and one account per staff role.
 * Every staff password is DEMO_PASSWORD (see README.md, "Demo accounts").
 */
import { count } from 'drizzle-orm';
import type { Db } from '../db';
import {
	building,
	community,
	department,
	estate,
	grid,
	household,
	householdGroup,
	resident,
	roleAssignment,
	user
} from '../db/schema';
import { hashPassword } from '../password';
import { issueInvitation } from './accounts';
import { grantBaseFor } from './points';

export const DEMO_PASSWORD = 'yizhan-demo';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶'.split(
	''
);
const GIVEN = [
	'秀英',
	'建国',
	'桂兰',
	'志强',
	'玉珍',
	'德明',
	'春花',
	'国庆',
	'丽华',
	'永福',
	'红梅',
	'光荣',
	'淑芬',
	'文斌'
];

export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
	if (db.select({ n: count() }).from(community).get()!.n > 0) return false;
	const { residentIds } = await seedDemoRoster(db);
	printDemoLinks(db, residentIds.slice(0, 2));
	return true;
}

/**
 * The roster and the staff accounts into an empty database (what seedDemoIfEmpty checks first); the
 * full story (src/lib/server/demo/) starts from it.
 */
export async function seedDemoRoster(db: Db, now = Date.now()) {
	const ids = db.transaction((tx) => {
		const communityId = tx.insert(community).values({ name: '湖畔社区' }).returning().get().id;
		const estateId = tx.insert(estate).values({ communityId, name: '富春小区' }).returning().get().id;
		const gridId = tx.insert(grid).values({ communityId, name: '第一网格' }).returning().get().id;
		tx.insert(department)
			.values([
				{ communityId, name: '县交警大队' },
				{ communityId, name: '县住建局' },
				{ communityId, name: '供电所' }
			])
			.run();
		const residentIds: number[] = [];
		let groupId = 0;
		for (let b = 1; b <= 7; b++) {
			const buildingId = tx
				.insert(building)
				.values({ communityId, estateId, gridId, name: `${b}栋` })
				.returning()
				.get().id;
			for (let h = 0; h < 6; h++) {
				const n = (b - 1) * 6 + h;
				if (n % 5 === 0) {
					groupId = tx
						.insert(householdGroup)
						.values({ communityId, name: `第${n / 5 + 1}联户` })
						.returning()
						.get().id;
				}
				const unit = `${Math.floor(h / 2) + 1}单元${(h % 2) + 1}0${(h % 3) + 1}`;
				// The owners' roll: floor areas from the register, and one owner (key 'F-0003') holding
				// two units in 2栋, who counts once by headcount (SPC Art 9).
				const floorArea = [8935, 11260, 13520][h % 3];
				const ownerKey = b === 2 && h < 2 ? 'F-0003' : `F-${String(100 + n)}`;
				const householdId = tx
					.insert(household)
					.values({ buildingId, unit, householdGroupId: groupId, floorArea, ownerKey })
					.returning()
					.get().id;
				const name = SURNAMES[n % SURNAMES.length] + GIVEN[(n * 7) % GIVEN.length];
				residentIds.push(
					tx
						.insert(resident)
						.values({
							householdId,
							name,
							phone: `1390870${String(1000 + n).padStart(4, '0')}`,
							birthYear: 1945 + ((n * 13) % 55),
							villagerRepresentative: n % 4 === 1
						})
						.returning()
						.get().id
				);
			}
		}
		return { communityId, estateId, gridId, residentIds };
	});

	const { communityId } = ids;
	const building1 = db.select().from(building).limit(1).get()!.id;
	const firstDepartment = db.select().from(department).limit(1).get()!.id;
	const staff: Array<
		[
			string,
			string,
			Array<[typeof roleAssignment.$inferInsert.role, typeof roleAssignment.$inferInsert.scopeType, number]>
		]
	> = [
		['admin', '社区管理员 周敏', [['admin', 'community', communityId]]],
		['facilitator', '主持人 李春华', [['facilitator', 'community', communityId]]],
		['committee', '两委委员 陈国强', [['committee', 'community', communityId]]],
		['building1', '1栋楼栋长 王德明', [['buildingHead', 'building', building1]]],
		['officer', '信息员 刘玉珍', [['infoOfficer', 'estate', ids.estateId]]],
		['liaison', '交警联络员 赵警官', [['departmentLiaison', 'department', firstDepartment]]]
	];
	// One argon2 hash for all six accounts, which share the published demo password: each hash costs
	// ~30 ms of CPU, on every first start and so in every test server.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	for (const [username, displayName, roles] of staff) {
		const userId = db
			.insert(user)
			.values({ communityId, username, passwordHash, displayName })
			.returning({ id: user.id })
			.get().id;
		for (const [role, scopeType, scopeId] of roles)
			db.insert(roleAssignment).values({ userId, role, scopeType, scopeId }).run();
	}
	grantBaseFor(db, communityId, null, now); // 积分: the default rules and this year's base points
	return ids;
}

/** Residents' invitation links, printed once so a newcomer can try the phone view at once. */
export function printDemoLinks(db: Db, residentIds: number[]) {
	for (const residentId of residentIds) {
		const { token } = issueInvitation(db, { residentId, kind: 'card', createdByUserId: null });
		console.log(`demo resident #${residentId}: /join/${token}`);
	}
	console.log(
		`demo community seeded; staff log in as admin, facilitator, committee, building1, officer or liaison with password "${DEMO_PASSWORD}"`
	);
}
