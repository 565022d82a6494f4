/**
 * The names of a job's events, without any schema code, so the dashboard's bundle can use them without
 * carrying zod. `src/protocol.ts` builds its schemas on these lists and re-exports them.
 */
import type { JobEvent } from "../protocol.ts";

export const EVENT_TYPES = [
	"job.accepted",
	"job.planned",
	"agent.dispatched",
	"agent.started",
	"agent.progress",
	"agent.completed",
	"agent.failed",
	"agent.retrying",
	"job.synthesizing",
	"job.completed",
	"job.failed",
	"job.cancelled",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** The events about one agent task; their data carries the agent reference. */
export type AgentEventType = Extract<EventType, `agent.${string}`>;
/** The events about the job as a whole. */
export type JobLevelEventType = Extract<EventType, `job.${string}`>;
/** The job's last event: exactly one of these ends every job's log. */
export type TerminalEventType = "job.completed" | "job.failed" | "job.cancelled";
export const TERMINAL_EVENT_TYPES: readonly EventType[] = [
	"job.completed",
	"job.failed",
	"job.cancelled",
] satisfies readonly TerminalEventType[];

/**
 * Whether `type` names an event of this protocol (a newer server may send types this code does not know).
 * @example isEventType("agent.started") // true
 */
export function isEventType(type: string): type is EventType {
	return (EVENT_TYPES as readonly string[]).includes(type);
}

/** Whether an event of this type ends the job. */
export function isTerminalEventType(type: EventType): type is TerminalEventType {
	return TERMINAL_EVENT_TYPES.includes(type);
}

/** An event about one agent task. */
export type AgentEvent = Extract<JobEvent, { type: AgentEventType }>;

/** Whether the event is about one agent task, whose data then carries the agent reference. */
export function isAgentEvent(event: JobEvent): event is AgentEvent {
	return event.type.startsWith("agent.");
}
