// @ts-check
/** The submit form: builds a research request from the fields and files, posts it, opens the job. */
import { apiJson } from "../api.js";
import { byId } from "../dom.js";

/** @typedef {import("../../../src/protocol.ts").ResearchRequest} ResearchRequest */
/** @typedef {import("../../../src/protocol.ts").SourceInput} SourceInput */
/** @typedef {import("../../../src/protocol.ts").JobAccepted} JobAccepted */

/**
 * The sources the form describes: the pasted text, each URL line, and each uploaded file's text.
 * @param {FormData} form
 * @returns {Promise<SourceInput[]>}
 */
async function sourcesOf(form) {
	/** @type {SourceInput[]} */
	const sources = [];
	const text = String(form.get("sourceText") ?? "").trim();
	if (text) sources.push({ title: String(form.get("sourceTitle") ?? "").trim() || "Pasted text", text });
	for (const line of String(form.get("sourceUrls") ?? "").split(/\r?\n/)) {
		if (line.trim()) sources.push({ url: line.trim() });
	}
	for (const file of form.getAll("sourceFiles")) {
		if (!(file instanceof File) || file.size === 0) continue;
		sources.push({ title: file.name, text: await file.text() });
	}
	return sources;
}

/**
 * The request body for the form's values; empty optional fields are left out so the service's defaults apply.
 * @param {FormData} form
 * @returns {Promise<ResearchRequest>}
 */
async function requestOf(form) {
	/** @type {ResearchRequest} */
	const request = { task: String(form.get("task") ?? "").trim() };
	const depth = Number(form.get("depth"));
	if (Number.isInteger(depth) && depth >= 1) request.depth = depth;
	const swarmSize = String(form.get("swarmSize") ?? "");
	if (swarmSize) request.swarmSize = Number(swarmSize);
	const mode = String(form.get("mode") ?? "direct");
	if (mode === "goal" || mode === "auto") request.mode = mode;
	const provider = String(form.get("provider") ?? "auto");
	if (provider !== "auto") request.provider = provider;
	request.antiHallucination = /** @type {ResearchRequest["antiHallucination"]} */ (
		form.get("antiHallucination")
	);
	const sources = await sourcesOf(form);
	if (sources.length > 0) request.sources = sources;
	return request;
}

/** Wires the submit form. */
export async function showSubmit() {
	const form = byId("submit-form", HTMLFormElement);
	const status = byId("submit-status", HTMLSpanElement);
	const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		const task = byId("task", HTMLTextAreaElement);
		if (task.value.trim() === "") {
			status.textContent = "Describe the research task first.";
			task.focus();
			return;
		}
		button.disabled = true;
		status.textContent = "Submitting…";
		try {
			/** @type {JobAccepted} */
			const accepted = await apiJson("/v1/research", {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
				body: JSON.stringify(await requestOf(new FormData(form))),
			});
			location.assign(`/jobs/${encodeURIComponent(accepted.id)}`);
		} catch (error) {
			status.textContent = `Not submitted: ${error instanceof Error ? error.message : String(error)}`;
			button.disabled = false;
		}
	});
}
