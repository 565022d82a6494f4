/**
 * Snapshot texts kept in the isolate's memory. A snapshot is stored under its content hash, so a cached
 * text can never be stale; keeping it saves the R2 reads of the agent tasks of a job (and of its report
 * build) that run in the isolate that stored or first read its sources.
 */

type Entry = { text: Promise<string | null>; chars: number };

/** A least-recently-used cache of snapshot texts, bounded by their total length in characters. */
export class SnapshotCache {
	private readonly entries = new Map<string, Entry>();
	private chars = 0;

	constructor(private readonly maxChars: number) {}

	/**
	 * The text under `key`: from memory, from a read of it already in flight, or from `read()`. Missing
	 * snapshots and failed reads are not kept (the snapshot may be written later), nor texts over the bound.
	 */
	get(key: string, read: () => Promise<string | null>): Promise<string | null> {
		const cached = this.entries.get(key);
		if (cached) {
			// Re-inserting moves the entry last, so eviction takes the least recently used first.
			this.entries.delete(key);
			this.entries.set(key, cached);
			return cached.text;
		}
		const entry: Entry = { text: read(), chars: 0 };
		this.entries.set(key, entry);
		entry.text.then(
			(text) => this.settle(key, entry, text),
			() => this.forget(key, entry),
		);
		return entry.text;
	}

	/** Keeps `text`, just stored under `key`, so that reading it back needs no R2 round trip. */
	put(key: string, text: string): void {
		const existing = this.entries.get(key);
		if (existing) this.forget(key, existing);
		const entry: Entry = { text: Promise.resolve(text), chars: 0 };
		this.entries.set(key, entry);
		this.settle(key, entry, text);
	}

	/** Characters of the texts held now. */
	get size(): number {
		return this.chars;
	}

	private settle(key: string, entry: Entry, text: string | null): void {
		if (text === null || text.length > this.maxChars) {
			this.forget(key, entry);
			return;
		}
		if (this.entries.get(key) !== entry) return; // evicted while it was read
		entry.chars = text.length;
		this.chars += entry.chars;
		for (const [oldKey, oldEntry] of this.entries) {
			if (this.chars <= this.maxChars) break;
			this.forget(oldKey, oldEntry);
		}
	}

	private forget(key: string, entry: Entry): void {
		if (this.entries.get(key) !== entry) return;
		this.entries.delete(key);
		this.chars -= entry.chars;
	}
}
