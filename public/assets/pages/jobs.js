// @ts-check
/** The jobs list: one page of `GET /v1/research` for the filters in the page's address. */
import { apiJson } from "../api.js";
import { byId, h } from "../dom.js";
import { formatTime } from "../format.js";

/** @typedef {import("../../../src/protocol.ts").JobList} JobList */

/**
 * The jobs page's address for these filters and cursor.
 * @param {URLSearchParams} params
 * @param {string | null} cursor
 */
function pageUrl(params, cursor) {
	const next = new URLSearchParams(params);
	next.delete("cursor");
	if (cursor) next.set("cursor", cursor);
	const query = next.toString();
	return query ? `/jobs?${query}` : "/jobs";
}

/** Fills the jobs table and the pager for the filters the page was rendered with and the address's cursor. */
export async function showJobs() {
	const params = new URLSearchParams(location.search);
	const query = new URLSearchParams({ limit: byId("limit", HTMLSelectElement).value });
	const status = byId("status-filter", HTMLSelectElement).value;
	if (status) query.set("status", status);
	const cursor = params.get("cursor");
	if (cursor) query.set("cursor", cursor);
	/** @type {JobList} */
	const list = await apiJson(`/v1/research?${query}`);
	const body = /** @type {HTMLTableSectionElement} */ (byId("jobs-table", HTMLTableElement).tBodies[0]);
	body.replaceChildren(
		...list.jobs.map((job) =>
			h(
				"tr",
				{},
				h("td", {}, h("a", { href: `/jobs/${encodeURIComponent(job.id)}` }, job.task)),
				h("td", {}, h("span", { class: `status status-${job.status}` }, job.status)),
				h(
					"td",
					{},
					h("progress", { max: 100, value: job.progress, "aria-label": `${job.progress} %` }),
					` ${Math.round(job.progress)} %`,
				),
				h("td", {}, formatTime(job.createdAt)),
				h("td", {}, formatTime(job.completedAt)),
			),
		),
	);
	byId("jobs-empty", HTMLParagraphElement).hidden = list.jobs.length > 0;
	const first = byId("first-page", HTMLAnchorElement);
	first.href = pageUrl(params, null);
	first.hidden = cursor === null;
	const next = byId("next-page", HTMLAnchorElement);
	next.hidden = list.nextCursor === null;
	if (list.nextCursor) next.href = pageUrl(params, list.nextCursor);
}
