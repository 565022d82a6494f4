/**
 * The report formats as files: the extension each is stored and named with, and its media type. The
 * coordinator stores reports, the API and the MCP server serve them, and the CLI writes them with these.
 */
import type { ReportFormat } from "../protocol";

/** The extension of a report file, e.g. `reports/{tenant}/{jobId}.md`. */
export type ReportExtension = "md" | "json" | "html";

/** How a report format is stored and served. */
export type ReportFormatFile = {
	extension: ReportExtension;
	/** The bare media type, e.g. for an MCP resource. */
	mediaType: string;
	/** The `Content-Type` the report is stored with, charset included for text. */
	contentType: string;
};

/** Every report format's file extension and media types. */
export const REPORT_FORMATS: Readonly<Record<ReportFormat, ReportFormatFile>> = {
	markdown: { extension: "md", mediaType: "text/markdown", contentType: "text/markdown; charset=utf-8" },
	json: { extension: "json", mediaType: "application/json", contentType: "application/json" },
	html: { extension: "html", mediaType: "text/html", contentType: "text/html; charset=utf-8" },
};

// Object.keys widens keys to string; these are exactly the keys of the record above.
const FORMATS = Object.keys(REPORT_FORMATS) as ReportFormat[];

/**
 * The report format whose files have `extension`, or null for any other extension.
 * @example formatOfExtension("md") // "markdown"
 */
export function formatOfExtension(extension: string): ReportFormat | null {
	return FORMATS.find((format) => REPORT_FORMATS[format].extension === extension) ?? null;
}
