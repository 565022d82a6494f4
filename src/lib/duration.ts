/**
 * The one way durations are written for people, in the report, the CLI and the dashboard: the largest unit
 * that fits, in narrow English unit style (Intl.NumberFormat, so Node ≥ 20, browsers and workerd agree).
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

function unitFormat(unit: "millisecond" | "second" | "minute" | "hour", options: Intl.NumberFormatOptions) {
	return new Intl.NumberFormat("en", { style: "unit", unit, unitDisplay: "narrow", ...options });
}

const MILLISECONDS = unitFormat("millisecond", { maximumFractionDigits: 0 });
const TENTHS_OF_SECONDS = unitFormat("second", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const HOURS = unitFormat("hour", { maximumFractionDigits: 0 });
const MINUTES = unitFormat("minute", { maximumFractionDigits: 0 });
const PADDED_MINUTES = unitFormat("minute", { minimumIntegerDigits: 2, maximumFractionDigits: 0 });
const PADDED_SECONDS = unitFormat("second", { minimumIntegerDigits: 2, maximumFractionDigits: 0 });

/**
 * A duration in milliseconds for people: whole milliseconds below a second, tenths of a second below a
 * minute, then minutes and seconds, then hours and minutes. Every unit is truncated, never rounded up, so a
 * value never reads as the next unit (59 999 ms is "59.9s", not "60.0s"). A negative duration (clocks that
 * disagree) reads as 0; an unknown one as "–".
 * @example formatDuration(850) // "850ms"
 * @example formatDuration(12_345) // "12.3s"
 * @example formatDuration(65_300) // "1m 05s"
 * @example formatDuration(3_725_000) // "1h 02m"
 */
export function formatDuration(ms: number | null): string {
	if (ms === null || !Number.isFinite(ms)) return "–";
	const safe = Math.max(0, ms);
	if (safe < 1000) return MILLISECONDS.format(Math.floor(safe));
	if (safe < MINUTE_MS) return TENTHS_OF_SECONDS.format(Math.floor(safe / 100) / 10);
	if (safe < HOUR_MS) {
		const seconds = Math.floor(safe / 1000);
		return `${MINUTES.format(Math.floor(seconds / 60))} ${PADDED_SECONDS.format(seconds % 60)}`;
	}
	const minutes = Math.floor(safe / MINUTE_MS);
	return `${HOURS.format(Math.floor(minutes / 60))} ${PADDED_MINUTES.format(minutes % 60)}`;
}
