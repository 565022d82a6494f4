// @ts-check
/**
 * The report view: the HTML report fetched with the user's key and shown in a sandboxed frame (its own
 * search box works there), plus downloads of every format the job produced.
 */
import { showError } from "../alert.js";
import { ApiError, api } from "../api.js";
import { byId } from "../dom.js";

const EXTENSIONS = { markdown: "md", json: "json", html: "html" };

/**
 * @param {string} jobId
 * @param {string} format
 */
function reportPath(jobId, format) {
	return `/v1/research/${encodeURIComponent(jobId)}/report?format=${encodeURIComponent(format)}`;
}

/**
 * Saves one format of the report as a file; the request carries the key, so a plain link would not do.
 * @param {string} jobId
 * @param {string} format
 */
async function download(jobId, format) {
	const blob = await (await api(reportPath(jobId, format))).blob();
	const url = URL.createObjectURL(blob);
	const link = document.createElement("a");
	link.href = url;
	link.download = `${jobId}.${EXTENSIONS[/** @type {keyof typeof EXTENSIONS} */ (format)] ?? format}`;
	document.body.append(link);
	link.click();
	link.remove();
	// The click has handed the blob to the download; give it a moment before letting it go.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Loads the report into the frame and wires the download buttons. */
export async function showReport() {
	const jobId = document.body.dataset.jobId ?? "";
	const status = byId("report-status", HTMLSpanElement);
	for (const button of document.querySelectorAll("button.download")) {
		if (!(button instanceof HTMLButtonElement)) continue;
		button.addEventListener("click", () => {
			download(jobId, button.dataset.format ?? "html").catch(showError);
		});
	}
	try {
		const html = await (await api(reportPath(jobId, "html"))).text();
		const frame = byId("report-frame", HTMLIFrameElement);
		frame.addEventListener("load", () => {
			status.textContent = "";
		});
		frame.srcdoc = html;
	} catch (error) {
		status.textContent =
			error instanceof ApiError && error.code === "report_not_ready"
				? "The job has not completed yet, so there is no report."
				: "The report could not be loaded.";
		throw error;
	}
}
