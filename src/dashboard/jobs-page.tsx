/** `/jobs`: the tenant's jobs (`GET /v1/research`), filtered by status, a page at a time. */
import { z } from "zod";
import { JOB_STATUSES, JobStatusSchema } from "../protocol";
import { DataTable } from "./data-table";

const PAGE_SIZES = [10, 20, 50];

/** The filters in a jobs page's address; anything the API would refuse falls back to the default. */
export const JobsFilterSchema = z.object({
	status: JobStatusSchema.optional().catch(undefined),
	limit: z.coerce.number().int().min(1).max(100).catch(20).default(20),
});
export type JobsFilter = z.infer<typeof JobsFilterSchema>;

/**
 * The filter form, already set to the address's filters, and the table the client script fills. The
 * form is a plain GET form, so filtering is a navigation and every page of results has its own address.
 */
export function JobsPage({ filter }: { filter: JobsFilter }) {
	const sizes = PAGE_SIZES.includes(filter.limit)
		? PAGE_SIZES
		: [...PAGE_SIZES, filter.limit].sort((a, b) => a - b);
	return (
		<>
			<search>
				<form id="jobs-filter" class="inline" method="get" action="/jobs">
					<label for="status-filter">Status</label>
					<select id="status-filter" name="status">
						<option value="">Any</option>
						{JOB_STATUSES.map((status) => (
							<option value={status} selected={status === filter.status}>
								{status}
							</option>
						))}
					</select>
					<label for="limit">Per page</label>
					<select id="limit" name="limit">
						{sizes.map((limit) => (
							<option value={String(limit)} selected={limit === filter.limit}>
								{limit}
							</option>
						))}
					</select>
					<button type="submit">Filter</button>
				</form>
			</search>
			<DataTable
				id="jobs-table"
				columns={["Task", "Status", "Progress", "Created", "Finished"]}
				caption="Jobs, newest first"
			/>
			<p id="jobs-empty" class="muted" hidden>
				No jobs match.
			</p>
			<nav aria-label="Pages" class="pager">
				<a id="first-page" href="/jobs" hidden>
					First page
				</a>
				<a id="next-page" href="/jobs" hidden>
					Next page
				</a>
			</nav>
		</>
	);
}
