import { it } from "vitest";
import { extractFindings } from "../../../src/providers/extractive";
import type { AgentTaskInput, SourceDocument } from "../../../src/providers/types";
import type { EffectiveConfig, Role, Phase, UpstreamResult } from "../../../src/protocol";

const config: EffectiveConfig = { depth: 5, timeMinutes: 60, swarmSize: 7, singleAgent: false, maxConcurrent: 4, focus: "balanced", antiHallucination: "high", citations: true, provider: "extractive", model: null, formats: ["markdown"], complexity: "high", taskType: "research", mode: "direct", secondPass: false };
function doc(id: string, text: string): SourceDocument {
	return { source: { id, title: id, url: `https://example.org/${id}`, origin: "attached", status: "retrieved", sha256: null, bytes: text.length, contentType: "text/plain", error: null, retrievedAt: 0 }, text };
}
const documents = [
	doc("src-a", "A heat pump is a device that moves heat from a cold reservoir to a warm one using a refrigerant cycle. Heat pumps are widely used for space heating in homes. Air-source heat pumps extract heat from outside air even in winter."),
	doc("src-b", "In the 2022 Norwegian field trial, air-source heat pumps reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C. Heat pumps performed well in cold climates during the trial. Installers reported that 35% of units needed a backup heater below -20 °C."),
	doc("src-c", "Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030. Since 2015, the trend toward electrified heating has accelerated. Cold climate models now make up a growing share of heat pump sales."),
	doc("src-d", "However, heat pumps lose efficiency in cold climates and may not cover peak demand without backup heating. Heat pumps performed well in cold climates in several independent studies."),
];
function input(role: Role, upstream: UpstreamResult[] = [], phase: Phase = "research"): AgentTaskInput {
	return { jobId: "j", tenantId: "t", taskId: role, attempt: 1, role, phase, task: "How do heat pumps perform in cold climates?", config, timeBudgetMs: 0.2 * 3_600_000, sources: documents.map((d) => d.source), upstream, documents };
}
it("prints", () => {
	const explorer = extractFindings(input("explorer"));
	const depth = extractFindings(input("depth_analyst"));
	for (const role of ["explorer", "depth_analyst", "trend_analyst", "domain_expert"] as Role[]) console.log(role, JSON.stringify(extractFindings(input(role)), null, 1));
	const up: UpstreamResult[] = [{ taskId: "explorer", role: "explorer", findings: explorer.findings, narrative: "" }, { taskId: "depth-analyst", role: "depth_analyst", findings: depth.findings, narrative: "" }];
	const verifier = extractFindings(input("verifier", up));
	console.log("verifier", JSON.stringify(verifier, null, 1));
	const critic = extractFindings(input("critic", [...up, { taskId: "verifier", role: "verifier", findings: verifier.findings, narrative: "" }]));
	console.log("critic", JSON.stringify(critic, null, 1));
	const syn = extractFindings(input("synthesizer", [...up, { taskId: "critic", role: "critic", findings: critic.findings, narrative: "" }]));
	console.log("synth", JSON.stringify(syn, null, 1));
	console.log("revisit", JSON.stringify(extractFindings(input("explorer", [...up, { taskId: "critic", role: "critic", findings: critic.findings, narrative: "" }], "revisit")), null, 1));
});
