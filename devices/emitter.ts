/** A minimal typed listener set: the change stream every driver offers and the hub consumes. */
export class Emitter<T> {
  #listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(value);
      } catch (err) {
        // A listener's bug must not stop the driver that emitted.
        console.error("listener failed", err);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
