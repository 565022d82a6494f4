/** `/`: the form that submits a research job (`POST /v1/research`), with sources pasted, linked or uploaded. */
import { AntiHallucinationSchema, LIMITS } from "../protocol";
import { DEFAULTS } from "../swarm/config";

export type SubmitPageProps = {
	/** Providers this deployment can run, in preference order (`extractive` last). */
	providers: string[];
};

/** The submit form; the client script turns it into a request and opens the new job's live view. */
export function SubmitPage({ providers }: SubmitPageProps) {
	return (
		<form id="submit-form" class="stack" novalidate>
			<p>
				<label for="task">Research task</label>
				<textarea
					id="task"
					name="task"
					rows={3}
					required
					maxlength={LIMITS.taskChars}
					aria-describedby="task-hint"
				/>
				<small id="task-hint" class="muted">
					A question or goal, up to {LIMITS.taskChars} characters.
				</small>
			</p>
			<div class="grid">
				<p>
					<label for="depth">Depth (1–10)</label>
					<input
						id="depth"
						name="depth"
						type="number"
						min={1}
						max={10}
						placeholder="Read from the task"
						inputmode="numeric"
					/>
				</p>
				<Choice
					id="swarm-size"
					name="swarmSize"
					label="Swarm size"
					options={[
						["", "Sized from the task"],
						...[3, 4, 5, 6, 7].map((size): Option => [String(size), `${size} agents`]),
					]}
				/>
				<Choice
					id="provider"
					name="provider"
					label="Provider"
					options={[["auto", "Best available"], ...providers.map((name): Option => [name, name])]}
				/>
				<Choice
					id="mode"
					name="mode"
					label="Mode"
					options={[
						["direct", "One swarm"],
						["goal", "Split into sub-goals"],
						["auto", "Sub-goals when very complex"],
					]}
				/>
				<Choice
					id="anti-hallucination"
					name="antiHallucination"
					label="Anti-hallucination"
					options={AntiHallucinationSchema.options.map((level): Option => [level, level])}
					selected={DEFAULTS.antiHallucination}
				/>
			</div>
			<fieldset class="stack">
				<legend>Sources (optional)</legend>
				<p class="muted">
					Agents cite only what they can check against a stored copy: paste text, list URLs the service
					fetches, or upload .md and .txt files. Up to {LIMITS.sources} sources, {LIMITS.urlSources} of them
					URLs.
				</p>
				<p>
					<label for="source-title">Pasted source title</label>
					<input
						id="source-title"
						name="sourceTitle"
						maxlength={LIMITS.sourceTitleChars}
						placeholder="Pasted notes"
					/>
				</p>
				<p>
					<label for="source-text">Pasted source text</label>
					<textarea id="source-text" name="sourceText" rows={5} maxlength={LIMITS.sourceTextChars} />
				</p>
				<p>
					<label for="source-urls">URLs, one per line</label>
					<textarea id="source-urls" name="sourceUrls" rows={3} placeholder="https://example.org/study" />
				</p>
				<p>
					<label for="source-files">Files (.md, .txt)</label>
					<input
						id="source-files"
						name="sourceFiles"
						type="file"
						multiple
						accept=".md,.markdown,.txt,text/markdown,text/plain"
					/>
				</p>
			</fieldset>
			<p>
				<button type="submit" class="primary">
					Start research
				</button>{" "}
				<span id="submit-status" class="muted" aria-live="polite" />
			</p>
		</form>
	);
}

/** A select option: its submitted value and its label. */
type Option = [value: string, label: string];

type ChoiceProps = { id: string; name: string; label: string; options: Option[]; selected?: string };

/** A labelled select; `selected` names the option chosen at first (else the first one). */
function Choice({ id, name, label, options, selected }: ChoiceProps) {
	return (
		<p>
			<label for={id}>{label}</label>
			<select id={id} name={name}>
				{options.map(([value, text]) => (
					<option value={value} selected={value === selected}>
						{text}
					</option>
				))}
			</select>
		</p>
	);
}
