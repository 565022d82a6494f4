import { describe, expect, it } from "vitest";
import type { OutboundJobEvent } from "../../../src/protocol";
import { deliveryId, standardBody, standardDestinations, subscribes } from "../../../src/webhooks/events";

const EVENT: OutboundJobEvent = {
	kind: "job-event",
	tenantId: "tn_1",
	jobId: "job_1",
	eventId: "evt_1_completed",
	type: "job.completed",
	occurredAt: Date.parse("2026-03-01T12:00:00.000Z"),
	callbackUrl: "https://client.example/callback",
	payload: { jobId: "job_1", status: "completed", partial: false },
};

describe("subscribes", () => {
	it("matches exact types and prefix wildcards", () => {
		expect(subscribes(["job.completed"], "job.completed")).toBe(true);
		expect(subscribes(["job.completed"], "job.failed")).toBe(false);
		expect(subscribes(["agent.*"], "agent.completed")).toBe(true);
		expect(subscribes(["agent.*"], "job.completed")).toBe(false);
		expect(subscribes(["job.*"], "job.cancelled")).toBe(true);
		expect(subscribes([], "job.completed")).toBe(false);
	});
});

describe("standardBody", () => {
	it("is {type, timestamp, data} with the event's own time", () => {
		expect(JSON.parse(standardBody(EVENT))).toEqual({
			type: "job.completed",
			timestamp: "2026-03-01T12:00:00.000Z",
			data: EVENT.payload,
		});
	});
});

describe("standardDestinations", () => {
	const endpoints = [
		{ id: "ep_all", url: "https://a.example/hook", events: ["job.completed", "job.failed"], disabled: false },
		{ id: "ep_failed", url: "https://b.example/hook", events: ["job.failed"], disabled: false },
		{ id: "ep_off", url: "https://c.example/hook", events: ["job.completed"], disabled: true },
		{ id: "ep_agents", url: "https://d.example/hook", events: ["agent.*"], disabled: false },
	];

	it("sends to the callback URL and every active subscribed endpoint, the same body to each", () => {
		const destinations = standardDestinations(EVENT, endpoints);
		expect(destinations.map((destination) => destination.destination)).toEqual(["callback", "ep_all"]);
		expect(destinations[0]).toMatchObject({ kind: "standard", url: EVENT.callbackUrl, endpointId: null });
		expect(destinations[1]).toMatchObject({
			kind: "standard",
			url: "https://a.example/hook",
			endpointId: "ep_all",
		});
		expect(new Set(destinations.map((destination) => destination.payload))).toEqual(
			new Set([standardBody(EVENT)]),
		);
	});

	it("has no callback destination when the job named none", () => {
		const failed = { ...EVENT, type: "job.failed" as const, callbackUrl: null };
		expect(standardDestinations(failed, endpoints).map((destination) => destination.destination)).toEqual([
			"ep_all",
			"ep_failed",
		]);
	});
});

describe("deliveryId", () => {
	it("is the same for the same event and destination, and differs otherwise", async () => {
		const id = await deliveryId("tn_1", "evt_1_completed", "callback");
		expect(id).toMatch(/^dlv_[0-9a-f]{24}$/);
		expect(await deliveryId("tn_1", "evt_1_completed", "callback")).toBe(id);
		expect(await deliveryId("tn_1", "evt_1_completed", "ep_1")).not.toBe(id);
		expect(await deliveryId("tn_1", "evt_1_failed", "callback")).not.toBe(id);
		expect(await deliveryId("tn_2", "evt_1_completed", "callback")).not.toBe(id);
	});
});
