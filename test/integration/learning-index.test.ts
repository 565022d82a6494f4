import { env } from "cloudflare:workers";
import { database } from "../../src/db/queries";
import { createD1Index } from "../../src/learning/d1-index";
import { patternIndexContract } from "../unit/learning/pattern-index-contract";

// The local index keeps the same contract as the in-memory index and the Vectorize adapter.
patternIndexContract("D1 exact-cosine index", async (space) => {
	await env.DB.prepare("DELETE FROM pattern_vectors").run();
	return createD1Index(database(env.DB), space);
});
