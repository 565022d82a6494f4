// @ts-check
/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream format): feed it text as it arrives,
 * in chunks cut anywhere, and it returns the complete messages so far.
 */

/**
 * One dispatched SSE message. `id` is the last event id seen so far on the stream, as the format defines.
 * @typedef {{ id: string | null; event: string; data: string }} SseMessage
 */

/** Parses an event stream chunk by chunk; `retryMs` holds the server's last `retry:` advice. */
export class SseParser {
	/** @type {number | null} */
	retryMs = null;
	/** @type {string | null} */
	lastEventId = null;
	#pending = "";
	#afterCarriageReturn = false;
	#eventType = "";
	/** @type {string[]} */
	#dataLines = [];

	/**
	 * Adds decoded text and returns the messages it completed.
	 * @example new SseParser().push("id: 1\nevent: ping\ndata: {}\n\n") // [{ id: "1", event: "ping", data: "{}" }]
	 * @param {string} chunk
	 * @returns {SseMessage[]}
	 */
	push(chunk) {
		let text = chunk;
		// A CR that ended the previous chunk may be the first half of a CRLF: drop the LF half.
		if (this.#afterCarriageReturn && text !== "") {
			if (text.startsWith("\n")) text = text.slice(1);
			this.#afterCarriageReturn = false;
		}
		text = this.#pending + text;
		/** @type {SseMessage[]} */
		const messages = [];
		let start = 0;
		for (let index = 0; index < text.length; index++) {
			const char = text[index];
			if (char !== "\n" && char !== "\r") continue;
			const message = this.#line(text.slice(start, index));
			if (message) messages.push(message);
			if (char === "\r" && index === text.length - 1) this.#afterCarriageReturn = true;
			else if (char === "\r" && text[index + 1] === "\n") index++;
			start = index + 1;
		}
		this.#pending = text.slice(start);
		return messages;
	}

	/**
	 * @param {string} line
	 * @returns {SseMessage | null}
	 */
	#line(line) {
		if (line === "") return this.#dispatch();
		if (line.startsWith(":")) return null;
		const colon = line.indexOf(":");
		const field = colon === -1 ? line : line.slice(0, colon);
		let value = colon === -1 ? "" : line.slice(colon + 1);
		if (value.startsWith(" ")) value = value.slice(1);
		if (field === "data") this.#dataLines.push(value);
		else if (field === "event") this.#eventType = value;
		else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
		else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
		return null;
	}

	/** @returns {SseMessage | null} */
	#dispatch() {
		const event = this.#eventType || "message";
		const data = this.#dataLines.join("\n");
		const hadData = this.#dataLines.length > 0;
		this.#eventType = "";
		this.#dataLines = [];
		return hadData ? { id: this.lastEventId, event, data } : null;
	}
}
