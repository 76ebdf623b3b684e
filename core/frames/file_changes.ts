/**
 * The "a recorded frame's file changed" notice, inside the box. A module that rewrites a frame's
 * file in place (today: the solver writing the WCS into its header) first records it in the row
 * (FrameRepository.setWcs / fileRewritten move the file revision, durably), then calls
 * `changed`; whoever holds a copy of the file (cloud sync) listens and acts at once — stops an
 * upload of the old content, queues the new one. The notice is only for promptness: the row's
 * revision is what makes the change survive a crash or come from another process, and listeners
 * read it from there.
 */

export type FrameFileListener = (frameId: string) => void;

export class FrameFileChanges {
  readonly #listeners = new Set<FrameFileListener>();

  /** Hears every later change; answers how to stop listening. */
  listen(listener: FrameFileListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The file of frame `frameId` was rewritten and its row already says so. */
  changed(frameId: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(frameId);
      } catch {
        // A listener's fault stays its own: the writer's work is done and recorded.
      }
    }
  }
}
