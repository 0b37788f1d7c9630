/**
 * The demo's proposals (提议/诉求), with the cases of 湖畔社区 as the local paper told them: e-bikes
 * blocking the fire lane, cars driving the wrong way at the gate, 潮汐车位 (tidal parking), clutter in
 * the stairwells. The meetings of the story take some of them further (agenda, resolution).
 */
import {
	declineProposal,
	fileProposal,
	mergeProposal,
	secondProposal,
	type ProposalInput
} from '../domain/proposals';
import type { Story } from './cast';

export type StoryProposals = ReturnType<typeof fileStoryProposals>;

export function fileStoryProposals(s: Story) {
	const b = (name: string) => ({ type: 'building' as const, id: s.buildingId(name) });
	const estate = { type: 'estate' as const, id: s.estateId };
	// Filed `day` days from the seed day, in the evening; neighbours second it over the next days.
	const file = (
		day: number,
		by: [string, number],
		input: Omit<ProposalInput, 'about'> & Partial<ProposalInput>
	) => fileProposal(s.db, s.resident(...by), { about: b(by[0]), ...input }, s.at(day, 20));
	const second = (id: number, day: number, ...who: Array<[string, number]>) =>
		who.forEach((w, i) => secondProposal(s.db, s.resident(...w), id, s.at(day + 1 + i, 8)));

	const fireLane = file(-20, ['1栋', 1], {
		title: '电动车乱停堵消防通道',
		description:
			'1栋单元门口和消防通道上每天晚上停满电动车，还有人从楼上拉线充电。消防车进不来，也容易起火。建议划定停放区、装充电桩。',
		category: 'safety'
	});
	second(fireLane, -20, ['1栋', 2], ['1栋', 3], ['1栋', 4]);

	const stairs = file(-19, ['1栋', 2], {
		title: '楼道杂物堆放',
		description:
			'楼道里堆着旧家具、纸箱和花盆，老人上下楼容易绊倒，也挡住了安全出口。建议统一清理，定期检查。',
		category: 'sanitation'
	});
	second(stairs, -19, ['1栋', 0], ['1栋', 5]);
	// The same complaint twice: the facilitator merges the second into the first.
	const boxes = file(-17, ['1栋', 3], {
		title: '3单元楼道堆纸箱',
		description: '3单元二楼楼道堆了很多纸箱，气味很大。',
		category: 'sanitation'
	});

	const tidal = file(-42, ['3栋', 0], {
		title: '潮汐车位：白天空出的车位错时共享',
		description:
			'上班族白天把车开走，小区车位空着；晚上下班回来又停不下。建议把白天空出的车位登记出来，白天给来办事的车和老人家属临时停，晚上七点前让出。',
		category: 'parking',
		about: estate
	});
	second(tidal, -42, ['3栋', 1], ['4栋', 0], ['5栋', 2], ['6栋', 3]);

	const wrongWay = file(-40, ['4栋', 1], {
		title: '小区门口车辆逆行',
		description:
			'早晚高峰小区门口有车辆为了抄近路逆行进出，差点撞到接送孩子的家长。需要交警帮忙设置隔离和标志。',
		category: 'safety',
		about: estate
	});
	second(wrongWay, -40, ['4栋', 2], ['7栋', 1], ['2栋', 4]);

	const highThrow = file(-10, ['5栋', 0], {
		title: '高空抛物要管一管',
		description:
			'5栋楼下草坪上经常有从楼上扔下来的果皮和烟头，上周还掉下来一个花盆。建议安装摄像头，在公约里写明。',
		category: 'safety',
		about: estate
	});
	second(highThrow, -10, ['5栋', 1], ['6栋', 0], ['2栋', 2]);

	// Filed by the 信息员 for an elderly resident without a smartphone.
	const bench = fileProposal(
		s.db,
		s.staff('officer'),
		{
			title: '楼下增设休息座椅',
			description: '6栋的老人买菜回来爬楼前想歇一歇，楼下没有座椅。刘玉珍上门走访时记下。',
			category: 'facilities',
			about: b('6栋'),
			forResidentId: s.resident('6栋', 4).residentId!
		},
		s.at(-3, 10)
	);

	const garage = file(-6, ['2栋', 3], {
		title: '2栋地下车库入口照明不足',
		description: '地下车库入口的灯坏了两盏，晚上进出看不清坡道，已经有人刮了车。',
		category: 'facilities'
	});
	second(garage, -6, ['2栋', 2], ['2栋', 5]);

	const banCars = file(-38, ['7栋', 0], {
		title: '小区内禁止一切车辆进入',
		description: '车太多太乱，干脆所有车都不许进小区。',
		category: 'parking',
		about: estate
	});

	const f = s.staff('facilitator');
	mergeProposal(s.db, f, boxes, stairs, s.at(-15, 9));
	declineProposal(
		s.db,
		f,
		banCars,
		'全面禁行会影响救护车、搬家和行动不便的老人，也超出楼栋议事会能决定的范围。停车难的问题已在“潮汐车位”提议中商议，欢迎您参与附议。',
		s.at(-36, 10)
	);
	return { fireLane, stairs, boxes, tidal, wrongWay, highThrow, bench, garage, banCars };
}
