/** CSV for staff who open exports in Excel. */
/**
 * One CSV cell. A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or line
 * break that hides one) gets a leading apostrophe, so it is shown as text; every cell is quoted.
 */
export function csvCell(value: string | number): string {
	let s = String(value);
	if (/^[=+\-@\t\r\n]/.test(s)) s = `'${s}`;
	return `"${s.replace(/"/g, '""')}"`;
}

/** Rows as CSV with a UTF-8 BOM (Excel then reads Chinese correctly) and CRLF line ends. */
export function toCsv(rows: Array<Array<string | number>>): string {
	return '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
