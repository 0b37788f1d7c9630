/**
 * A TCP proxy in front of the server under test: clients keep one address while the server behind it
 * is killed and restarted on a new port, and the proxy can cut every connection at once (a reconnect
 * storm: the courtyard's Wi-Fi drops) or refuse new ones for a while (the server is unreachable).
 */
import net from 'node:net';

export type ChaosProxy = {
	url: string;
	setTarget(port: number): void;
	/** Cuts every open connection (both sides see the socket close); returns how many client connections. */
	dropAll(): number;
	/** While true, new connections are closed at once, as if the network were down. */
	refuse(on: boolean): void;
	connections(): number;
	close(): Promise<void>;
};

export async function startProxy(targetPort: number): Promise<ChaosProxy> {
	let target = targetPort;
	let refusing = false;
	const pairs = new Set<[net.Socket, net.Socket]>();
	const server = net.createServer((client) => {
		client.setNoDelay(true);
		if (refusing) return void client.destroy();
		const upstream = net.connect(target, '127.0.0.1');
		upstream.setNoDelay(true);
		const pair: [net.Socket, net.Socket] = [client, upstream];
		pairs.add(pair);
		const end = () => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	const dropAll = () => {
		const n = pairs.size;
		for (const [client, upstream] of [...pairs]) {
			client.destroy();
			upstream.destroy();
		}
		pairs.clear();
		return n;
	};
	return {
		url: `http://127.0.0.1:${port}`,
		setTarget: (p) => void (target = p),
		dropAll,
		refuse: (on) => void (refusing = on),
		connections: () => pairs.size,
		close: () =>
			new Promise<void>((resolve) => {
				dropAll();
				server.close(() => resolve());
			})
	};
}

export const portOf = (url: string) => Number(new URL(url).port);
