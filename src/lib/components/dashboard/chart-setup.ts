/**
 * Chart.js with only the pieces the dashboard draws (bars, lines, two axes, legend, tooltip) registered,
 * so the rest of the library is left out of the bundle. Loaded lazily by `Chart.svelte`: the charts are
 * drawn in the browser only, and pages without them never download it.
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip
} from 'chart.js';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip
);

// Large enough for a projector at the back of a courtyard; the same fonts as the page.
Chart.defaults.font.size = 15;
Chart.defaults.font.family = "system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
Chart.defaults.color = '#1a1a1a';

/** Series differ in dash and point shape as well as colour, so they part in greyscale and print. */
export const SERIES_STYLES = [
	{ color: '#9b1c1c', dash: [], point: 'circle' },
	{ color: '#1d4f91', dash: [8, 4], point: 'rect' },
	{ color: '#1d6b2f', dash: [2, 3], point: 'triangle' },
	{ color: '#8a4b00', dash: [12, 4, 2, 4], point: 'rectRot' },
	{ color: '#5a5a5a', dash: [4, 4], point: 'star' }
] as const;

export { Chart };
