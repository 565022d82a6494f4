// @ts-check
/** The dashboard's client: the API key form, error display, and the script of the page being shown. */

import { showError } from "./alert.js";
import { saveApiKey, savedApiKey } from "./api.js";
import { byId } from "./dom.js";
import { showJob } from "./pages/job.js";
import { showJobs } from "./pages/jobs.js";
import { showLearning } from "./pages/learning.js";
import { showReport } from "./pages/report.js";
import { showSubmit } from "./pages/submit.js";

/** @type {Record<string, () => Promise<void>>} */
const PAGES = {
	submit: showSubmit,
	jobs: showJobs,
	job: showJob,
	report: showReport,
	learning: showLearning,
};

function setUpKeyForm() {
	const form = byId("key-form", HTMLFormElement);
	const input = byId("api-key", HTMLInputElement);
	const status = byId("key-status", HTMLSpanElement);
	const devMode = document.body.dataset.devMode === "true";
	const describe = () => {
		status.textContent = savedApiKey() ? "key saved for this tab" : devMode ? "local dev mode" : "no key";
	};
	describe();
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		saveApiKey(input.value);
		input.value = "";
		describe();
		// The page's data belongs to the key's tenant: load it again with the new key.
		location.reload();
	});
}

setUpKeyForm();
const show = PAGES[document.body.dataset.page ?? ""];
show?.().catch(showError);
