/**
 * Showing a job's progress while it runs: redrawn in place on a terminal, or one plain line per event
 * when the output is a pipe or a file (CI logs), so logs never carry cursor movements.
 */
import type { JobProgress } from "../src/events/progress.ts";
import type { JobEvent } from "../src/protocol.ts";
import { eventLine, renderBoard } from "./render.ts";

/** Where progress is written: process.stdout, or a stand-in with the same few members. */
export type OutputStream = {
	write(text: string): boolean;
	isTTY?: boolean;
	columns?: number;
};

export type ProgressDisplay = {
	/** The job's progress after `event`. */
	update(progress: JobProgress, event: JobEvent): void;
	/** Draws the final state and stops. */
	finish(progress: JobProgress): void;
	/** Stops drawing without a final frame (before asking a question on the terminal). */
	stop(): void;
};

/** How often the live display redraws, so running agents' elapsed times tick. */
const REDRAW_MS = 1000;
const CURSOR_UP_TO_LINE_START = (lines: number) => `\u001b[${lines}F`;
const CLEAR_LINE = "\u001b[2K";
const CLEAR_TO_END = "\u001b[J";

function fitWidth(line: string, columns: number): string {
	const chars = [...line];
	return chars.length <= columns ? line : `${chars.slice(0, Math.max(0, columns - 1)).join("")}…`;
}

/** A display that redraws the board in place with ANSI cursor movement. */
export function createLiveDisplay(stream: OutputStream): ProgressDisplay {
	let board: JobProgress | null = null;
	let drawnLines = 0;
	const draw = () => {
		if (!board) return;
		// One column short of the width, so a full line never wraps and breaks the cursor arithmetic.
		const columns = Math.max(20, (stream.columns ?? 80) - 1);
		const lines = renderBoard(board, Date.now()).map((line) => fitWidth(line, columns));
		const up = drawnLines > 0 ? CURSOR_UP_TO_LINE_START(drawnLines) : "";
		stream.write(`${up}${lines.map((line) => `${CLEAR_LINE}${line}\n`).join("")}${CLEAR_TO_END}`);
		drawnLines = lines.length;
	};
	const timer = setInterval(draw, REDRAW_MS);
	timer.unref();
	return {
		update(next) {
			board = next;
			draw();
		},
		finish(next) {
			clearInterval(timer);
			board = next;
			draw();
		},
		stop() {
			clearInterval(timer);
		},
	};
}

/** A display that writes one plain line per event and the final board as plain lines. */
export function createLogDisplay(stream: OutputStream, verbose: boolean): ProgressDisplay {
	return {
		update(progress, event) {
			stream.write(`${eventLine(event, progress.acceptedAt, verbose)}\n`);
		},
		finish(progress) {
			stream.write(`${renderBoard(progress, Date.now()).join("\n")}\n`);
		},
		stop() {},
	};
}

/** The live display on a terminal unless `verbose`; plain lines otherwise. */
export function createProgressDisplay(stream: OutputStream, verbose: boolean): ProgressDisplay {
	return stream.isTTY && !verbose ? createLiveDisplay(stream) : createLogDisplay(stream, verbose);
}
