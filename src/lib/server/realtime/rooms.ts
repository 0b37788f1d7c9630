/** Socket.IO room names, made here only, so emitters and joiners cannot drift apart. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** The projectors of a meeting, served first when state is broadcast. */
export const projectorRoom = (meetingId: number) => `meeting:${meetingId}:projector`;
export const userRoom = (userId: number) => `user:${userId}`;
export const meetingRoom = (meetingId: number) => `meeting:${meetingId}`;
/** The meeting a room from `meetingRoom` is for, or null for any other room. */
export const meetingIdOfRoom = (room: string): number | null => {
	const m = /^meeting:(\d+)$/.exec(room);
	return m ? Number(m[1]) : null;
};
