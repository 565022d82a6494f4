/**
 * Ctrl-C handling. The first Ctrl-C (or SIGTERM) aborts the running command through `signal`, so it can
 * clean up and, for a research job, offer to cancel it. A second one ends the process at once, after the
 * registered cleanups (stopping a local Worker) have run.
 */
import { EXIT } from "./errors.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** The process's interrupt state; one per CLI run. */
export class Interrupts {
	readonly #controller = new AbortController();
	readonly #cleanups = new Set<() => void>();
	#received = 0;

	/** Aborted by the first interrupt. */
	get signal(): AbortSignal {
		return this.#controller.signal;
	}

	/** Starts listening for interrupts; returns the function that stops listening. */
	install(): () => void {
		const onSignal = () => this.receive();
		for (const name of SIGNALS) process.on(name, onSignal);
		return () => {
			for (const name of SIGNALS) process.off(name, onSignal);
		};
	}

	/** Handles one interrupt: the first aborts, a later one exits with 130 after the cleanups. */
	receive(): void {
		this.#received++;
		if (this.#received === 1) {
			this.#controller.abort();
			return;
		}
		for (const cleanup of this.#cleanups) cleanup();
		process.exit(EXIT.interrupted);
	}

	/** Registers a synchronous cleanup for an immediate exit; returns the function that unregisters it. */
	onForcedExit(cleanup: () => void): () => void {
		this.#cleanups.add(cleanup);
		return () => this.#cleanups.delete(cleanup);
	}
}
