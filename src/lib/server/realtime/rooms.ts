/** Socket.IO room names, made here only, so emitters and joiners cannot drift apart. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const userRoom = (userId: number) => `user:${userId}`;
export const meetingRoom = (meetingId: number) => `meeting:${meetingId}`;
