/** Read-aloud (朗读) with the phone's own Chinese voice, as the meeting page does for the item. */
export type SpeakResult = 'speaking' | 'unsupported' | 'noVoice';

export function speak(text: string, onEnd: () => void): SpeakResult {
	if (typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined')
		return 'unsupported';
	const voice = speechSynthesis.getVoices().find((v) => /^zh([-_]|$)/i.test(v.lang));
	if (!voice) return 'noVoice';
	const u = new SpeechSynthesisUtterance(text);
	u.lang = 'zh-CN';
	u.voice = voice;
	u.rate = 0.9;
	u.onend = u.onerror = () => onEnd();
	speechSynthesis.cancel();
	speechSynthesis.speak(u);
	return 'speaking';
}

export function stopSpeaking() {
	if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
}
