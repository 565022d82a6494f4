/**
 * Writes a D1 database id into wrangler.toml's production environment by editing the one value in the
 * text, so the file keeps its comments, order and layout (smol-toml would drop comments when writing
 * the whole file back). The edited text is parsed again and must differ from the original in that id
 * alone, or nothing is written.
 */
import { isDeepStrictEqual } from "node:util";
import { parse } from "smol-toml";
import { DEPLOY_ENV } from "./config";
import type { IdUpdate } from "./plan";

const HEADER = /^\s*\[\[?([^\]]+)\]\]?\s*(?:#.*)?$/;

type Section = { path: string; start: number; end: number };

/** The file's tables (`[a.b]`, `[[a.b]]`) as line ranges after their header; the root table has path "". */
function sections(lines: string[]): Section[] {
	const found: Section[] = [{ path: "", start: 0, end: lines.length }];
	lines.forEach((line, index) => {
		const header = HEADER.exec(line);
		if (!header?.[1]) return;
		const previous = found[found.length - 1];
		if (previous) previous.end = index;
		const path = header[1]
			.split(".")
			.map((key) => key.trim().replace(/^["']|["']$/g, ""))
			.join(".");
		found.push({ path, start: index + 1, end: lines.length });
	});
	return found;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The places in the production environment that can declare a D1 database: each line (an inline table in
 * `d1_databases = [...]`) and each whole `[[env.production.d1_databases]]` table.
 */
function candidateSpans(lines: string[]): { start: number; end: number }[] {
	const production = `env.${DEPLOY_ENV}`;
	return sections(lines).flatMap((section) => {
		if (section.path === `${production}.d1_databases`) return [{ start: section.start, end: section.end }];
		if (section.path !== production && !section.path.startsWith(`${production}.`)) return [];
		return Array.from({ length: section.end - section.start }, (_, offset) => ({
			start: section.start + offset,
			end: section.start + offset + 1,
		}));
	});
}

/** Sets `database_id` in the span's text, after `database_name` when the span has no id yet. */
function withId(span: string[], namePattern: RegExp, id: string): string[] {
	const idPattern = /(database_id\s*=\s*)(["'])[^"']*\2/;
	const text = span.join("\n");
	if (idPattern.test(text)) return text.replace(idPattern, `$1"${id}"`).split("\n");
	if (span.length === 1) return [text.replace(namePattern, (pair) => `${pair}, database_id = "${id}"`)];
	const nameLine = span.findIndex((line) => namePattern.test(line));
	return [...span.slice(0, nameLine + 1), `database_id = "${id}"`, ...span.slice(nameLine + 1)];
}

/** The parsed document with the production D1 database `name` given `id`: what the edit must produce. */
function expectedDocument(text: string, name: string, id: string): unknown {
	const document = parse(text) as { env?: Record<string, { d1_databases?: Record<string, unknown>[] }> };
	for (const database of document.env?.[DEPLOY_ENV]?.d1_databases ?? []) {
		if (database.database_name === name) database.database_id = id;
	}
	return document;
}

/** wrangler.toml's `text` with the production D1 database of `update` given its id. */
export function withD1DatabaseId(text: string, update: IdUpdate): string {
	const lines = text.split("\n");
	const namePattern = new RegExp(`database_name\\s*=\\s*(["'])${escapeRegExp(update.name)}\\1`);
	const spans = candidateSpans(lines).filter((span) =>
		lines.slice(span.start, span.end).some((line) => namePattern.test(line)),
	);
	const manual = `set database_id = "${update.id}" for ${update.name} in [env.${DEPLOY_ENV}] by hand`;
	const [span, ...others] = spans;
	if (!span || others.length > 0) {
		throw new Error(`found ${spans.length} declarations of D1 database ${update.name}; ${manual}`);
	}
	const edited = [
		...lines.slice(0, span.start),
		...withId(lines.slice(span.start, span.end), namePattern, update.id),
		...lines.slice(span.end),
	].join("\n");
	if (!isDeepStrictEqual(parse(edited), expectedDocument(text, update.name, update.id))) {
		throw new Error(`editing wrangler.toml would change more than the id of ${update.name}; ${manual}`);
	}
	return edited;
}
