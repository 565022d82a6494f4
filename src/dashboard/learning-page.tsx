/** `/learning`: what the service learned for this tenant — pattern search and statistics charts. */
import { TaskTypeSchema } from "../protocol";
import { DataTable } from "./data-table";

/** The pattern search form, the statistics and the charts the client script draws. */
export function LearningPage() {
	return (
		<>
			<section aria-labelledby="stats-heading">
				<h2 id="stats-heading">Statistics</h2>
				<dl id="stats" class="figures" />
				<div class="charts">
					<figure>
						<figcaption>Average reward per day</figcaption>
						<div id="reward-chart" class="figure" />
					</figure>
					<figure>
						<figcaption>Success rate per day</figcaption>
						<div id="success-chart" class="figure" />
					</figure>
				</div>
			</section>
			<section aria-labelledby="patterns-heading">
				<h2 id="patterns-heading">Patterns</h2>
				<search>
					<form id="pattern-search" class="inline">
						<label for="pattern-query">Similar to</label>
						<input id="pattern-query" name="q" type="search" placeholder="a research question" />
						<label for="pattern-type">Task type</label>
						<select id="pattern-type" name="taskType">
							<option value="">Any</option>
							{TaskTypeSchema.options.map((type) => (
								<option value={type}>{type}</option>
							))}
						</select>
						<button type="submit">Search</button>
					</form>
				</search>
				<p id="patterns-status" class="muted" aria-live="polite" />
				<DataTable
					id="patterns-table"
					columns={["Task", "Type", "Reward", "Outcome", "Similarity", "Strategy", "Used"]}
				/>
			</section>
		</>
	);
}
