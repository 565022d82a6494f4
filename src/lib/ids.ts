/**
 * A new job id: `job_` + 10 chars of millisecond time (base 32) + 16 random chars.
 * Ids sort by creation time, which keeps listings and cursors simple.
 */
export function newJobId(now: number = Date.now()): string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
	let time = "";
	let rest = now;
	for (let i = 0; i < 10; i++) {
		time = alphabet[rest % 32] + time;
		rest = Math.floor(rest / 32);
	}
	const random = crypto.getRandomValues(new Uint8Array(16));
	const suffix = [...random].map((byte) => alphabet[byte % 32]).join("");
	return `job_${time}${suffix}`;
}
