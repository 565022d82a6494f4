/** R2 object keys. Every key starts with its kind and tenant, so one tenant's objects never mix with another's. */
import type { ReportExtension } from "./report-formats";

/** `reports/{tenant}/{jobId}.{ext}` */
export function reportKey(tenantId: string, jobId: string, extension: ReportExtension): string {
	return `reports/${tenantId}/${jobId}.${extension}`;
}

/** `reports/{tenant}/{jobId}.provenance.json`: every finding's verdict and quote offsets, beside the report. */
export function provenanceKey(tenantId: string, jobId: string): string {
	return `reports/${tenantId}/${jobId}.provenance.json`;
}

/** `evidence/{tenant}/{sha256}`: one snapshot per distinct source text. */
export function evidenceKey(tenantId: string, sha256: string): string {
	return `evidence/${tenantId}/${sha256}`;
}
