/**
 * `node eval/check-corpus.mjs`: validates the evaluation corpus in `eval/topics/`.
 *
 * For every `eval/topics/<slug>/manifest.json` it checks that the manifest has a topic, a question,
 * 5–8 documents and at least 8 facts; that every listed document file exists and is 1,500–6,000
 * characters long; that every fact names a listed document, quotes a `sentence` that is an exact
 * substring of that document, and has 2–4 `keyTerms` that each occur (case-insensitively) in the
 * sentence. Exits with status 1 and a list of problems if anything is wrong.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const TOPICS_DIR = join(dirname(fileURLToPath(import.meta.url)), "topics");
const MIN_TOPICS = 4;
const MIN_DOCUMENTS = 5;
const MAX_DOCUMENTS = 8;
const MIN_FACTS = 8;
const MIN_DOCUMENT_CHARS = 1500;
const MAX_DOCUMENT_CHARS = 6000;
const DOCUMENT_FIELDS = ["file", "title", "publisher", "url", "licence"];

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const isNonEmptyString = (value) => typeof value === "string" && value.trim().length > 0;

function checkTopic(slug) {
	const dir = join(TOPICS_DIR, slug);
	const manifestPath = join(dir, "manifest.json");
	if (!existsSync(manifestPath)) {
		fail(slug, "missing manifest.json");
		return null;
	}
	let manifest;
	try {
		manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
	} catch (error) {
		fail(`${slug}/manifest.json`, `not valid JSON (${error.message})`);
		return null;
	}
	const where = `${slug}/manifest.json`;
	if (!isNonEmptyString(manifest.topic)) fail(where, "missing `topic`");
	if (!isNonEmptyString(manifest.question)) fail(where, "missing `question`");

	const documents = Array.isArray(manifest.documents) ? manifest.documents : [];
	const facts = Array.isArray(manifest.facts) ? manifest.facts : [];
	if (documents.length < MIN_DOCUMENTS || documents.length > MAX_DOCUMENTS) {
		fail(where, `has ${documents.length} documents, expected ${MIN_DOCUMENTS}–${MAX_DOCUMENTS}`);
	}
	if (facts.length < MIN_FACTS) fail(where, `has ${facts.length} facts, expected at least ${MIN_FACTS}`);

	const texts = new Map();
	for (const [index, doc] of documents.entries()) {
		const docWhere = `${where} documents[${index}]`;
		for (const field of DOCUMENT_FIELDS) {
			if (!isNonEmptyString(doc?.[field])) fail(docWhere, `missing \`${field}\``);
		}
		if (!isNonEmptyString(doc?.file)) continue;
		if (texts.has(doc.file)) fail(docWhere, `document ${doc.file} is listed twice`);
		const path = join(dir, doc.file);
		if (!existsSync(path) || !statSync(path).isFile()) {
			fail(docWhere, `document file ${slug}/${doc.file} does not exist`);
			continue;
		}
		const text = readFileSync(path, "utf8");
		if (text.length < MIN_DOCUMENT_CHARS || text.length > MAX_DOCUMENT_CHARS) {
			fail(
				docWhere,
				`${doc.file} has ${text.length} characters, expected ${MIN_DOCUMENT_CHARS}–${MAX_DOCUMENT_CHARS}`,
			);
		}
		texts.set(doc.file, text);
	}

	const ids = new Set();
	for (const [index, fact] of facts.entries()) {
		const factWhere = `${where} facts[${index}]${isNonEmptyString(fact?.id) ? ` (${fact.id})` : ""}`;
		if (!isNonEmptyString(fact?.id)) fail(factWhere, "missing `id`");
		else if (ids.has(fact.id)) fail(factWhere, `duplicate id ${fact.id}`);
		else ids.add(fact.id);
		if (!isNonEmptyString(fact?.fact)) fail(factWhere, "missing `fact`");
		if (!isNonEmptyString(fact?.sentence)) {
			fail(factWhere, "missing `sentence`");
			continue;
		}
		const text = texts.get(fact.document);
		if (text === undefined) {
			fail(factWhere, `document ${JSON.stringify(fact.document)} is not a listed, existing document`);
		} else if (!text.includes(fact.sentence)) {
			fail(factWhere, `sentence is not an exact substring of ${fact.document}`);
		}
		const keyTerms = Array.isArray(fact.keyTerms) ? fact.keyTerms : [];
		if (keyTerms.length < 2 || keyTerms.length > 4) {
			fail(factWhere, `has ${keyTerms.length} keyTerms, expected 2–4`);
		}
		const sentence = fact.sentence.toLowerCase();
		for (const term of keyTerms) {
			if (!isNonEmptyString(term)) fail(factWhere, "has an empty keyTerm");
			else if (!sentence.includes(term.toLowerCase())) {
				fail(factWhere, `keyTerm ${JSON.stringify(term)} does not occur in its sentence`);
			}
		}
	}
	return { slug, documents: documents.length, facts: facts.length };
}

if (!existsSync(TOPICS_DIR)) {
	console.error(`check-corpus: ${TOPICS_DIR} does not exist`);
	process.exit(1);
}
const slugs = readdirSync(TOPICS_DIR)
	.filter((name) => statSync(join(TOPICS_DIR, name)).isDirectory())
	.sort();
const summaries = slugs.map(checkTopic).filter((summary) => summary !== null);
if (slugs.length < MIN_TOPICS)
	fail("eval/topics", `has ${slugs.length} topics, expected at least ${MIN_TOPICS}`);

if (problems.length > 0) {
	console.error(`check-corpus: ${problems.length} problem(s) found`);
	for (const problem of problems) console.error(`  - ${problem}`);
	process.exit(1);
}
for (const { slug, documents, facts } of summaries) {
	console.log(`ok  ${slug}: ${documents} documents, ${facts} facts`);
}
console.log(`check-corpus: ${summaries.length} topics valid`);
