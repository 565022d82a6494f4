/** `/jobs`: the tenant's jobs (`GET /v1/research`), filtered by status, a page at a time. */
import { JOB_STATUSES } from "../protocol";

/** The filter form and the table the client script fills. */
export function JobsPage() {
	return (
		<>
			<search>
				<form id="jobs-filter" class="inline">
					<label for="status-filter">Status</label>
					<select id="status-filter" name="status">
						<option value="">Any</option>
						{JOB_STATUSES.map((status) => (
							<option value={status}>{status}</option>
						))}
					</select>
					<label for="limit">Per page</label>
					<select id="limit" name="limit">
						{[10, 20, 50].map((limit) => (
							<option value={String(limit)} selected={limit === 20}>
								{limit}
							</option>
						))}
					</select>
					<button type="submit">Filter</button>
				</form>
			</search>
			<div class="scroll">
				<table id="jobs-table">
					<caption class="visually-hidden">Jobs, newest first</caption>
					<thead>
						<tr>
							<th scope="col">Task</th>
							<th scope="col">Status</th>
							<th scope="col">Progress</th>
							<th scope="col">Created</th>
							<th scope="col">Finished</th>
						</tr>
					</thead>
					<tbody />
				</table>
			</div>
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
