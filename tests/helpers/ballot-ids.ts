/** Fresh ballot ids and receipts, as a phone makes them (distinct receipts: a counter written in the receipt alphabet). */
export function ballotIds(prefix: string) {
	let n = 0;
	return () => {
		const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
		let x = ++n;
		let receipt = '';
		for (let i = 0; i < 10; i++, x = Math.floor(x / alphabet.length))
			receipt += alphabet[x % alphabet.length];
		return { ballotId: `${prefix}-${n}-xxxxxxxx`, receipt };
	};
}
