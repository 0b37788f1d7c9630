/**
 * The demo's meeting of today: 2栋's 楼栋议事会 at 19:30, still a draft with its agenda, so a newcomer
 * opens it from the console and runs it with the two printed resident links (both of 2栋).
 */
import { addItem } from '$lib/agenda';
import { addProposalToAgenda } from '../domain/agenda';
import { agendaDocName, createMeeting } from '../domain/meetings';
import type { Story } from './cast';
import type { StoryProposals } from './proposals';

export function scheduleTodaysMeeting(s: Story, p: StoryProposals) {
	const f = s.staff('facilitator');
	const meetingId = createMeeting(
		s.db,
		f,
		{
			title: '2栋楼栋议事会（本月例会）',
			scopeType: 'building',
			scopeId: s.buildingId('2栋'),
			startsAt: new Date(s.at(0, 19, 30)),
			place: '2栋楼下架空层',
			votingUnit: 'household',
			isPublic: true
		},
		s.at(-7, 10)
	);
	s.docs.change(agendaDocName(meetingId), (doc) => {
		addItem(doc, {
			title: '通报：1栋电动车停放区和充电桩进展',
			minutes: 5,
			notes: '楼栋长通报 1栋的做法，2栋是否也划停放区，下次再议。'
		});
	});
	addProposalToAgenda(s.db, s.docs, f, meetingId, p.garage);
	return { meetingId };
}
