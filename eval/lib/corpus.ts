/** The evaluation corpus: topics in `eval/topics/<slug>/` with a manifest of documents and gold facts. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { OfflineDocument } from "./offline-job";

export const ManifestSchema = z.object({
	topic: z.string(),
	question: z.string(),
	documents: z.array(
		z.object({
			file: z.string(),
			title: z.string(),
			publisher: z.string(),
			url: z.string(),
			licence: z.string(),
		}),
	),
	facts: z.array(
		z.object({
			id: z.string(),
			fact: z.string(),
			document: z.string(),
			sentence: z.string(),
			keyTerms: z.array(z.string()).min(1),
		}),
	),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export type Topic = Manifest & { slug: string; texts: OfflineDocument[] };

/** Every topic under `root` (default `eval/topics`), in slug order. */
export function loadTopics(root = join(import.meta.dirname, "..", "topics")): Topic[] {
	return readdirSync(root, { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => entry.name)
		.sort()
		.map((slug) => {
			const folder = join(root, slug);
			const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")));
			const texts = manifest.documents.map((document) => ({
				title: document.title,
				text: readFileSync(join(folder, document.file), "utf8"),
			}));
			return { ...manifest, slug, texts };
		});
}

/** The repository's sample texts (`samples/*.md`), titled by their first heading, with the README's task. */
export function loadSamples(root = join(import.meta.dirname, "..", "..", "samples")): {
	question: string;
	texts: OfflineDocument[];
} {
	const texts = readdirSync(root)
		.filter((file) => file.endsWith(".md"))
		.sort()
		.map((file) => {
			const text = readFileSync(join(root, file), "utf8");
			const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.trim();
			return { title: heading ?? file, text };
		});
	return {
		question: "How do air-source heat pumps perform in cold climates, and what limits their efficiency?",
		texts,
	};
}
