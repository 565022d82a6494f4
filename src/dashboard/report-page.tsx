/** `/jobs/:id/report`: the job's HTML report in a sandboxed frame, and its downloads. */
import { ReportFormatSchema } from "../protocol";

const FORMAT_LABELS: Record<(typeof ReportFormatSchema.options)[number], string> = {
	markdown: "Markdown",
	json: "JSON",
	html: "HTML",
};

/** The downloads bar and the frame the client script loads the report into. */
export function ReportPage({ jobId }: { jobId: string }) {
	return (
		<>
			<p class="actions">
				<a href={`/jobs/${encodeURIComponent(jobId)}`}>Back to the job</a>
				{ReportFormatSchema.options.map((format) => (
					<button type="button" class="download" data-format={format}>
						Download {FORMAT_LABELS[format]}
					</button>
				))}
				<span id="report-status" class="muted" aria-live="polite">
					loading the report
				</span>
			</p>
			{/* No allow-same-origin: the report's script runs in an opaque origin, away from the saved key. */}
			<iframe
				id="report-frame"
				title="Research report"
				sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"
			/>
		</>
	);
}
