/**
 * Events in words, for the event logs of the CLI and the dashboard: which agent, and what the event says
 * beyond the fields every event carries.
 */
import type { JobEvent } from "../protocol.ts";
import { isAgentEvent } from "./event-types.ts";

/**
 * The agent's name for display: its role, plus its id when the id says more (goal mode's sub-swarms).
 * @example agentLabel({ id: "explorer", role: "explorer" }) // "explorer"
 * @example agentLabel({ id: "g1-critic", role: "critic" }) // "critic (g1-critic)"
 */
export function agentLabel(agent: { id: string; role: string }): string {
	return agent.id.replaceAll("-", "_") === agent.role ? agent.role : `${agent.role} (${agent.id})`;
}

/** What an event says beyond its type and agent. */
function details(event: JobEvent): string[] {
	switch (event.type) {
		case "job.accepted":
			return [`job ${event.data.jobId}`];
		case "job.planned": {
			const { plan } = event.data;
			return [`${plan.length} agents: ${plan.map(agentLabel).join(", ")}`];
		}
		case "agent.started":
			return [event.data.provider, event.data.model ?? ""];
		case "agent.progress":
			return [`${event.data.progress}%`, event.data.note ?? ""];
		case "agent.completed":
			return [`${event.data.findings} findings`];
		case "agent.failed":
			return [event.data.error];
		case "agent.retrying":
			return [[event.data.reason, event.data.error].filter(Boolean).join(": ")];
		case "job.synthesizing":
			return [event.data.reason];
		case "job.completed":
		case "job.failed":
		case "job.cancelled": {
			const { error } = event.data;
			return [error ? `${error.message} (${error.code})` : ""];
		}
		case "agent.dispatched":
			return [];
	}
}

/**
 * The event in words, without its type and time: the agent, then what the event says.
 * @example describeEvent(startedEvent) // "explorer extractive"
 * @example describeEvent(plannedEvent) // "2 agents: explorer, synthesizer"
 */
export function describeEvent(event: JobEvent): string {
	const agent = isAgentEvent(event) ? agentLabel({ id: event.data.agentId, role: event.data.role }) : "";
	return [agent, ...details(event)].filter((part) => part !== "").join(" ");
}
