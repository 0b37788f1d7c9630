/**
 * Photos for the demo's progress reports, drawn at seed time (no binary files in the repository) and
 * stored through the same checks and re-encoding as a phone's upload (src/lib/server/photos.ts).
 */
import sharp from 'sharp';
import { storePhotos, type StoredPhoto } from '../photos';

const W = 480;
const H = 360;

/** A stairwell door with e-bikes parked in front of it (before) or a marked bay with chargers (after). */
function scene(kind: 'before' | 'after'): string {
	const bike = (x: number, y: number, color: string) =>
		`<g transform="translate(${x},${y})"><circle cx="0" cy="40" r="22" fill="none" stroke="#222" stroke-width="7"/>` +
		`<circle cx="90" cy="40" r="22" fill="none" stroke="#222" stroke-width="7"/>` +
		`<path d="M0 40 L35 0 L75 0 L90 40" fill="none" stroke="${color}" stroke-width="9"/>` +
		`<rect x="25" y="-14" width="40" height="12" rx="4" fill="#333"/></g>`;
	const door = `<rect x="180" y="60" width="120" height="200" fill="#8a6d4b"/><rect x="200" y="40" width="80" height="18" fill="#2e9d4a"/>`;
	const floor = `<rect x="0" y="260" width="${W}" height="${H - 260}" fill="#b9b2a6"/>`;
	if (kind === 'before')
		return `${door}${floor}${bike(150, 240, '#d33')}${bike(230, 250, '#36c')}${bike(300, 236, '#e91')}`;
	const bay =
		`<rect x="20" y="270" width="440" height="80" fill="none" stroke="#f2c500" stroke-width="6" stroke-dasharray="24 12"/>` +
		[60, 150, 240, 330, 420]
			.map((x) => `<rect x="${x}" y="200" width="18" height="60" fill="#2a7"/>`)
			.join('');
	return `${door}${floor}${bay}${bike(40, 290, '#d33')}${bike(250, 290, '#36c')}`;
}

export async function drawPhotos(
	uploadsDir: string,
	kinds: Array<'before' | 'after'>
): Promise<StoredPhoto[]> {
	const images = await Promise.all(
		kinds.map((kind) =>
			sharp({ create: { width: W, height: H, channels: 3, background: '#dfe6ec' } })
				.composite([
					{
						input: Buffer.from(
							`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${scene(kind)}</svg>`
						)
					}
				])
				.jpeg({ quality: 80 })
				.toBuffer()
		)
	);
	return storePhotos(uploadsDir, images);
}
