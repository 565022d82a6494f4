/**
 * A validator of JobEventSchema without zod, for the dashboard's bundle: the schema's JSON Schema,
 * compiled by Ajv into a standalone ES module (no `eval`, which the dashboard's Content-Security-Policy
 * forbids). `npm run build` bundles it; a unit test checks that it agrees with the schema.
 */
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { toJSONSchema } from "zod";
import { JobEventSchema } from "../src/protocol.ts";

/**
 * The source of an ES module whose default export tells whether a value matches JobEventSchema.
 * @returns {string}
 */
export function jobEventValidatorSource() {
	// `input`: the schema of what may be parsed, which like zod's objects allows keys it does not name.
	const schema = toJSONSchema(JobEventSchema, { io: "input", target: "draft-7", reused: "ref" });
	// The discriminator lets the compiled code check only the branch the event's type names.
	const ajv = new Ajv({
		code: { source: true, esm: true },
		messages: false,
		discriminator: true,
		inlineRefs: false,
	});
	return standaloneCode(
		ajv,
		ajv.compile({ ...schema, type: "object", discriminator: { propertyName: "type" } }),
	);
}
