/**
 * The vote-burst baseline: a bare Socket.IO server on 127.0.0.1 that joins rooms, acks each ballot and
 * broadcasts a coalesced counter (50 ms, like the app), with no auth, validation or storage. Same
 * packet shapes as the app, so the same load generator drives both.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { perMessageDeflate: false, serveClient: false, maxHttpBufferSize: 64 * 1024 });
/** @type {Map<number, { votes: number, pending: boolean }>} */
const meetings = new Map();
const stateOf = (meetingId) => {
	const m = meetings.get(meetingId) ?? { votes: 0, pending: false };
	meetings.set(meetingId, m);
	return m;
};
const view = (meetingId) => ({
	meeting: { id: meetingId },
	polls: [{ id: meetingId, status: 'open', tally: { participating: stateOf(meetingId).votes } }]
});
io.on('connection', (socket) => {
	socket.on('meeting:join', async (p, ack) => {
		await socket.join(p.as === 'projector' ? [`m${p.meetingId}`, `p${p.meetingId}`] : `m${p.meetingId}`);
		socket.data.meetingId = p.meetingId;
		ack({ ok: true, data: { state: view(p.meetingId), me: {} } });
	});
	socket.on('poll:reset', (p, ack) => {
		stateOf(p.meetingId).votes = 0;
		ack({ ok: true, data: { pollId: p.meetingId } });
	});
	socket.on('ballot:cast', (p, ack) => {
		const meetingId = socket.data.meetingId;
		const m = stateOf(meetingId);
		m.votes++;
		ack({ ok: true, data: { receipt: p.receipt, duplicate: false } });
		if (m.pending) return;
		m.pending = true;
		setTimeout(() => {
			m.pending = false;
			const state = view(meetingId);
			io.to(`p${meetingId}`).emit('meeting:state', state);
			io.to(`m${meetingId}`).except(`p${meetingId}`).emit('meeting:state', state);
		}, 50);
	});
});
http.listen(0, '127.0.0.1', () =>
	console.log(`baseline listening on http://127.0.0.1:${http.address().port}`)
);
process.once('SIGTERM', () => process.exit(0));
