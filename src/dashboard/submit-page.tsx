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
				<p>
					<label for="swarm-size">Swarm size</label>
					<select id="swarm-size" name="swarmSize">
						<option value="">Sized from the task</option>
						{[3, 4, 5, 6, 7].map((size) => (
							<option value={String(size)}>{size} agents</option>
						))}
					</select>
				</p>
				<p>
					<label for="provider">Provider</label>
					<select id="provider" name="provider">
						<option value="auto">Best available</option>
						{providers.map((name) => (
							<option value={name}>{name}</option>
						))}
					</select>
				</p>
				<p>
					<label for="mode">Mode</label>
					<select id="mode" name="mode">
						<option value="direct">One swarm</option>
						<option value="goal">Split into sub-goals</option>
						<option value="auto">Sub-goals when very complex</option>
					</select>
				</p>
				<p>
					<label for="anti-hallucination">Anti-hallucination</label>
					<select id="anti-hallucination" name="antiHallucination">
						{AntiHallucinationSchema.options.map((level) => (
							<option value={level} selected={level === DEFAULTS.antiHallucination}>
								{level}
							</option>
						))}
					</select>
				</p>
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
