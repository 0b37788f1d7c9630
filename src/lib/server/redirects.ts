/** Longer Location headers break clients and proxies (Node's fetch refuses the response, nginx answers 502). */
const MAX_PATH = 2048;

/**
 * Where a form may send the browser back to: a path on this site only. "//x", "/\x" and paths that
 * normalise to them are other sites to a browser; anything unparsable or absurdly long falls back.
 */
export function sameSitePath(raw: FormDataEntryValue | null, url: URL, fallback: string): string {
	try {
		const target = new URL(String(raw ?? fallback), url);
		const path = target.pathname;
		if (target.origin !== url.origin || path.startsWith('//') || path.startsWith('/\\')) return fallback;
		const back = path + target.search;
		return back.length > MAX_PATH ? fallback : back;
	} catch {
		return fallback;
	}
}
