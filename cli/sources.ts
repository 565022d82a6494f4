/** Turning `--source` arguments into request sources: http(s) URLs as they are, .md/.txt files and folders read in. */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { LIMITS, type SourceInput } from "../src/protocol.ts";
import { CliError, EXIT } from "./errors.ts";

/** File types read as text sources; everything else in a folder is passed over. */
export const SOURCE_EXTENSIONS: readonly string[] = [".md", ".txt"];

/** Whether the argument names a web page rather than a local path. */
export function isWebAddress(spec: string): boolean {
	return /^https?:\/\//i.test(spec);
}

/**
 * A text source's title: the file's first Markdown heading, else its file name; cut to the API's limit.
 * @example titleFor("notes/trial.md", "# Field trial\n…") // "Field trial"
 */
export function titleFor(path: string, text: string): string {
	const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1]?.trim();
	return (heading || basename(path)).slice(0, LIMITS.sourceTitleChars);
}

function hasSourceExtension(path: string): boolean {
	return SOURCE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The .md/.txt files under a folder, in a stable order, skipping hidden files and folders. */
async function filesUnder(folder: string): Promise<string[]> {
	const entries = await readdir(folder, { recursive: true, withFileTypes: true });
	return entries
		.filter((entry) => entry.isFile() && hasSourceExtension(entry.name))
		.map((entry) => join(entry.parentPath, entry.name))
		.filter(
			(path) =>
				!path
					.slice(folder.length)
					.split(/[\\/]/)
					.some((part) => part.startsWith(".")),
		)
		.sort();
}

async function textSource(path: string): Promise<SourceInput> {
	const text = await readFile(path, "utf8");
	return { title: titleFor(path, text), text };
}

/** The sources one `--source` argument stands for. */
async function sourcesFor(spec: string): Promise<SourceInput[]> {
	if (isWebAddress(spec)) return [{ url: spec }];
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
		throw new CliError(`--source ${spec}: only http and https addresses can be fetched`, EXIT.usage);
	}
	const info = await stat(spec).catch(() => null);
	if (!info) throw new CliError(`--source ${spec}: no such file or folder`, EXIT.usage);
	if (info.isFile()) {
		if (!hasSourceExtension(spec)) {
			throw new CliError(
				`--source ${spec}: only ${SOURCE_EXTENSIONS.join(" and ")} files can be attached`,
				EXIT.usage,
			);
		}
		return [await textSource(spec)];
	}
	const files = await filesUnder(spec);
	const sources = await Promise.all(files.map(textSource));
	// Empty files carry nothing to cite; a folder may well hold a placeholder or two.
	const nonEmpty = sources.filter((source) => "text" in source && source.text.trim() !== "");
	if (nonEmpty.length === 0) {
		throw new CliError(
			`--source ${spec}: the folder holds no non-empty ${SOURCE_EXTENSIONS.join(" or ")} files`,
			EXIT.usage,
		);
	}
	return nonEmpty;
}

/** Reads every `--source` argument, in the order given. */
export async function readSources(specs: readonly string[]): Promise<SourceInput[]> {
	const groups = await Promise.all(specs.map(sourcesFor));
	return groups.flat();
}
