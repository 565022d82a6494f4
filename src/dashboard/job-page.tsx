/** `/jobs/:id`: a job's live view, drawn from `GET /v1/research/:id` and kept current by its event stream. */

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
					<div>
						<dt>Agents</dt>
						<dd id="job-agents">–</dd>
					</div>
					<div>
						<dt>Elapsed</dt>
						<dd id="job-elapsed">–</dd>
					</div>
					<div>
						<dt>Tokens</dt>
						<dd id="job-tokens">–</dd>
					</div>
					<div>
						<dt>Cost</dt>
						<dd id="job-cost">–</dd>
					</div>
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
				<div class="scroll">
					<table id="agents-table">
						<thead>
							<tr>
								<th scope="col">Agent</th>
								<th scope="col">Status</th>
								<th scope="col">Progress</th>
								<th scope="col">Elapsed</th>
								<th scope="col">Tokens</th>
								<th scope="col">Cost</th>
								<th scope="col">Model</th>
							</tr>
						</thead>
						<tbody />
					</table>
				</div>
			</section>
			<section aria-labelledby="events-heading">
				<h2 id="events-heading">Events</h2>
				<ol id="events" class="events" reversed />
			</section>
		</>
	);
}
