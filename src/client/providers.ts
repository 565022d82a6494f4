/** `GET /v1/providers`: which providers the deployment can run, their models and prices. */
import { type Providers, ProvidersSchema } from "../wire/providers.ts";
import { type CallOptions, Resource } from "./transport.ts";

/** The deployment's providers. */
export class ProvidersResource extends Resource {
	/** @example const ready = (await client.providers.list()).providers.filter((p) => p.ready); */
	list(options: CallOptions = {}): Promise<Providers> {
		return this.transport.get(ProvidersSchema, "/v1/providers", options);
	}
}
