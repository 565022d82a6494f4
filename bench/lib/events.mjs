/**
 * Reading a job's event log (the SSE stream of `GET /v1/research/:id/events`) and replaying it: when each
 * agent task was dispatched, started and completed, how long its provider calls took, how many tasks were in
 * flight at most, and how many terminal events the job produced.
 */

/** @typedef {{ seq: number; type: string; data: Record<string, unknown> & { at: number; agentId?: string } }} JobEvent */

/**
 * Splits SSE text into complete events; the text after the last blank line is returned as `rest` so a
 * stream can be parsed chunk by chunk. Comment lines and `retry:` are ignored.
 * @example parseSse("id: 1\nevent: job.accepted\ndata: {\"at\":5}\n\nid: 2").events // [{ seq: 1, type: "job.accepted", data: { at: 5 } }]
 * @param {string} text
 * @returns {{ events: JobEvent[]; rest: string }}
 */
export function parseSse(text) {
	const blocks = text.replaceAll("\r\n", "\n").split("\n\n");
	const rest = blocks.pop() ?? "";
	/** @type {JobEvent[]} */
	const events = [];
	for (const block of blocks) {
		let seq = null;
		let type = "message";
		const data = [];
		for (const line of block.split("\n")) {
			const colon = line.indexOf(":");
			if (colon <= 0) continue;
			const field = line.slice(0, colon);
			const value = line.slice(colon + 1).replace(/^ /, "");
			if (field === "id") seq = Number(value);
			else if (field === "event") type = value;
			else if (field === "data") data.push(value);
		}
		if (seq !== null && data.length > 0) events.push({ seq, type, data: JSON.parse(data.join("\n")) });
	}
	return { events, rest };
}

/**
 * @typedef {{
 *   dispatchedAt: number | null;
 *   startedAt: number | null;
 *   completedAt: number | null;
 *   providerMs: number | null;
 *   dispatches: number;
 *   completions: number;
 * }} TaskTimeline
 */

/**
 * @typedef {{
 *   plan: { id: string; role: string; phase: string; dependsOn: string[]; timeShare: number }[];
 *   tasks: Map<string, TaskTimeline>;
 *   maxInFlight: number;
 *   retries: number;
 *   terminal: { completed: number; failed: number; cancelled: number };
 *   acceptedAt: number | null;
 *   finishedAt: number | null;
 *   firstDispatchAt: number | null;
 *   lastAgentCompletedAt: number | null;
 *   metrics: Record<string, unknown> | null;
 * }} JobReplay
 */

/**
 * Replays a job's events in sequence order. A task is in flight from `agent.dispatched` until
 * `agent.completed`, `agent.failed`, or `agent.retrying` with reason `lease_expired` (which sends it back
 * to pending). `providerMs` is the time the completed attempt spent inside its provider calls, as the agent
 * measured it (`agent.completed` carries the sum of its calls' latencies).
 * @param {readonly JobEvent[]} events
 * @returns {JobReplay}
 */
export function replayJob(events) {
	/** @type {JobReplay} */
	const replay = {
		plan: [],
		tasks: new Map(),
		maxInFlight: 0,
		retries: 0,
		terminal: { completed: 0, failed: 0, cancelled: 0 },
		acceptedAt: null,
		finishedAt: null,
		firstDispatchAt: null,
		lastAgentCompletedAt: null,
		metrics: null,
	};
	const inFlight = new Set();
	const timeline = (/** @type {string} */ id) => {
		let entry = replay.tasks.get(id);
		if (!entry) {
			entry = {
				dispatchedAt: null,
				startedAt: null,
				completedAt: null,
				providerMs: null,
				dispatches: 0,
				completions: 0,
			};
			replay.tasks.set(id, entry);
		}
		return entry;
	};
	for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
		const { at, agentId } = event.data;
		const task = agentId === undefined ? null : timeline(agentId);
		switch (event.type) {
			case "job.accepted":
				replay.acceptedAt = at;
				break;
			case "job.planned":
				replay.plan = /** @type {JobReplay["plan"]} */ (event.data.plan);
				break;
			case "agent.dispatched":
				if (!task || agentId === undefined) break;
				task.dispatchedAt = at;
				task.dispatches += 1;
				inFlight.add(agentId);
				replay.firstDispatchAt ??= at;
				replay.maxInFlight = Math.max(replay.maxInFlight, inFlight.size);
				break;
			case "agent.started":
				if (task) task.startedAt = at;
				break;
			case "agent.completed":
				if (!task) break;
				task.completedAt = at;
				task.providerMs = typeof event.data.providerMs === "number" ? event.data.providerMs : null;
				task.completions += 1;
				inFlight.delete(agentId);
				replay.lastAgentCompletedAt = Math.max(replay.lastAgentCompletedAt ?? at, at);
				break;
			case "agent.failed":
				inFlight.delete(agentId);
				break;
			case "agent.retrying":
				replay.retries += 1;
				if (event.data.reason === "lease_expired") inFlight.delete(agentId);
				break;
			case "job.completed":
			case "job.failed":
			case "job.cancelled": {
				const outcome = /** @type {"completed" | "failed" | "cancelled"} */ (event.type.slice(4));
				replay.terminal[outcome] += 1;
				replay.finishedAt = at;
				replay.metrics = /** @type {Record<string, unknown> | null} */ (event.data.metrics ?? null);
				break;
			}
		}
	}
	return replay;
}
