/** `/jobs/:id`: a job's live view, drawn from `GET /v1/research/:id` and kept current by its event stream. */
import { DataTable } from "./data-table";

/** Figures the client script writes as the job runs, by the id of their value. */
const LIVE_FIGURES = [
	["Agents", "job-agents"],
	["Elapsed", "job-elapsed"],
	["Tokens", "job-tokens"],
	["Cost", "job-cost"],
] as const;

/** The skeleton the client script fills: summary, the swarm's DAG, the timeline and the agents table. */
export function JobPage({ jobId }: { jobId: string }) {
	return (
		<>
			<section aria-labelledby="summary-heading" class="card">
				<h2 id="summary-heading" class="visually-hidden">
					Summary
				</h2>
				<p id="job-task" class="task" />
				<dl class="figures">
					<div>
						<dt>Status</dt>
						<dd>
							<span id="job-status" class="status" aria-live="polite">
								loading
							</span>
						</dd>
					</div>
					<div>
						<dt>Progress</dt>
						<dd>
							<progress id="job-progress" max={100} value={0} aria-label="Job progress" />{" "}
							<span id="job-progress-text">0 %</span>
						</dd>
					</div>
					{LIVE_FIGURES.map(([label, id]) => (
						<div>
							<dt>{label}</dt>
							<dd id={id}>–</dd>
						</div>
					))}
				</dl>
				<p class="actions">
					<a
						id="report-link"
						class="button primary"
						href={`/jobs/${encodeURIComponent(jobId)}/report`}
						hidden
					>
						Open the report
					</a>{" "}
					<button id="cancel-job" type="button" hidden>
						Cancel job
					</button>{" "}
					<span id="stream-status" class="muted" aria-live="polite" />
				</p>
				<p id="job-error" class="alert" hidden />
			</section>
			<section id="goal-section" aria-labelledby="goal-heading" hidden>
				<h2 id="goal-heading">Sub-goals</h2>
				<p class="muted">
					The goal was split into sub-goals; each has its own small swarm, and a master synthesis joins them.
				</p>
				<ol id="subgoals" class="subgoals" />
			</section>
			<section aria-labelledby="dag-heading">
				<h2 id="dag-heading">Swarm</h2>
				<p class="muted">Each agent runs once everything it depends on has finished.</p>
				<div id="dag" class="figure" />
			</section>
			<section aria-labelledby="timeline-heading">
				<h2 id="timeline-heading">Timeline</h2>
				<p id="timeline-summary" class="muted" />
				<div id="timeline" class="figure" />
			</section>
			<section aria-labelledby="agents-heading">
				<h2 id="agents-heading">Agents</h2>
				<DataTable
					id="agents-table"
					columns={["Agent", "Status", "Progress", "Elapsed", "Tokens", "Cost", "Model"]}
				/>
			</section>
			<section aria-labelledby="events-heading">
				<h2 id="events-heading">Events</h2>
				<ol id="events" class="events" reversed />
			</section>
		</>
	);
}
