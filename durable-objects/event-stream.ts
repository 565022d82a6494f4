/** Server-Sent Events for a job's event log: encoding, and the set of open streams the coordinator feeds. */
import { type JobEvent, TERMINAL_EVENT_TYPES } from "../src/protocol";

const encoder = new TextEncoder();
const KEEPALIVE_MS = 15_000;

/** One event in SSE wire format: `id`, `event` and a single `data` line of JSON. */
export function encodeSse(event: JobEvent): Uint8Array {
	return encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/**
 * The open SSE streams of one job. A stream gets the backlog after the client's last seen id, then every
 * new event as it is appended, and closes after the terminal event.
 */
export class EventStreamHub {
	private readonly writers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
	private keepalive: ReturnType<typeof setInterval> | null = null;

	/** Opens a stream that first replays `backlog`; it closes at once when the backlog already ends the job. */
	open(backlog: JobEvent[]): ReadableStream<Uint8Array> {
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const writer = writable.getWriter();
		void writer.write(encoder.encode("retry: 1000\n\n"));
		for (const event of backlog) void writer.write(encodeSse(event));
		if (backlog.some((event) => TERMINAL_EVENT_TYPES.includes(event.type))) {
			void writer.close().catch(() => {});
			return readable;
		}
		this.writers.add(writer);
		writer.closed.catch(() => {}).finally(() => this.drop(writer));
		this.keepalive ??= setInterval(() => this.broadcastRaw(encoder.encode(": keepalive\n\n")), KEEPALIVE_MS);
		return readable;
	}

	/** Sends freshly committed events to every open stream, closing them after a terminal event. */
	publish(events: JobEvent[]): void {
		for (const event of events) {
			this.broadcastRaw(encodeSse(event));
			if (TERMINAL_EVENT_TYPES.includes(event.type)) this.closeAll();
		}
	}

	private broadcastRaw(chunk: Uint8Array): void {
		for (const writer of this.writers) {
			writer.write(chunk).catch(() => this.drop(writer));
		}
	}

	private closeAll(): void {
		for (const writer of this.writers) void writer.close().catch(() => {});
		this.writers.clear();
		this.stopKeepalive();
	}

	private drop(writer: WritableStreamDefaultWriter<Uint8Array>): void {
		this.writers.delete(writer);
		if (this.writers.size === 0) this.stopKeepalive();
	}

	private stopKeepalive(): void {
		if (this.keepalive !== null) clearInterval(this.keepalive);
		this.keepalive = null;
	}
}
