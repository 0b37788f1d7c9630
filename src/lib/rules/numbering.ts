/**
 * Chinese numerals as legal texts write article numbers (第十一条, 第一百零一条), and the labels of
 * chapters and clauses. Clauses are numbered continuously through the whole document; chapters have
 * their own sequence.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];
const GROUPS = ['', '万', '亿'];

/** 0 < n < 10000, written out in full (一千零一, 二十); the 十 rule for 10–19 is applied by the caller. */
function belowTenThousand(n: number): string {
	let out = '';
	let pendingZero = false;
	for (let unit = 3; unit >= 0; unit--) {
		const d = Math.floor(n / 10 ** unit) % 10;
		if (d === 0) {
			if (out) pendingZero = true;
			continue;
		}
		if (pendingZero) out += DIGITS[0];
		pendingZero = false;
		out += DIGITS[d] + UNITS[unit];
	}
	return out;
}

/**
 * A non-negative integer below 10¹² in Chinese numerals: 1→一, 10→十, 11→十一, 20→二十, 101→一百零一,
 * 110→一百一十, 1001→一千零一, 10001→一万零一. Throws on anything else.
 */
export function chineseNumeral(n: number): string {
	if (!Number.isInteger(n) || n < 0 || n >= 1e12) throw new RangeError(`not a numeral: ${n}`);
	if (n === 0) return DIGITS[0];
	const groups: number[] = [];
	for (let rest = n; rest > 0; rest = Math.floor(rest / 10000)) groups.push(rest % 10000);
	let out = '';
	let pendingZero = false;
	for (let g = groups.length - 1; g >= 0; g--) {
		const value = groups[g];
		if (value === 0) {
			if (out) pendingZero = true;
			continue;
		}
		// A gap inside a group (一万零五百) or a whole empty group (一亿零一) is read as one 零.
		if (out && (pendingZero || value < 1000)) out += DIGITS[0];
		pendingZero = false;
		out += belowTenThousand(value) + GROUPS[g];
	}
	// 十一, not 一十一: only when the number starts with the tens (10–19); 一百一十 keeps its 一.
	return out.startsWith('一十') ? out.slice(1) : out;
}

export const clauseLabel = (n: number) => `第${chineseNumeral(n)}条`;
export const chapterLabel = (n: number) => `第${chineseNumeral(n)}章`;
