/** `GET /v1/providers`: which providers the deployment can run, their models and prices. */
import { type Providers, ProvidersSchema } from "../wire/providers.ts";
import type { CallOptions, Transport } from "./transport.ts";

/** The deployment's providers. */
export class ProvidersResource {
	readonly #transport: Transport;

	constructor(transport: Transport) {
		this.#transport = transport;
	}

	/** @example const ready = (await client.providers.list()).providers.filter((p) => p.ready); */
	list(options: CallOptions = {}): Promise<Providers> {
		return this.#transport.json(ProvidersSchema, "/v1/providers", options);
	}
}
