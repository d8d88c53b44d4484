// What is on screen, for components that watch it with IntersectionObserver
// (jsdom has no layout): tests say which timeline items the user can see.

const observers = new Set<FakeIntersectionObserver>();

export class FakeIntersectionObserver {
  readonly #callback: IntersectionObserverCallback;
  readonly #watched = new Set<Element>();

  constructor(callback: IntersectionObserverCallback) {
    this.#callback = callback;
    observers.add(this);
  }

  observe(element: Element) {
    this.#watched.add(element);
  }

  unobserve(element: Element) {
    this.#watched.delete(element);
  }

  disconnect() {
    this.#watched.clear();
    observers.delete(this);
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** Reports each watched element as on screen or not. */
  report(isOnScreen: (element: HTMLElement) => boolean) {
    const entries = [...this.#watched].map(
      (target) => ({ target, isIntersecting: isOnScreen(target as HTMLElement) }) as IntersectionObserverEntry,
    );
    if (entries.length > 0) this.#callback(entries, this as unknown as IntersectionObserver);
  }
}

/** Only the timeline items `itemIds` are on screen now. */
export function showOnScreen(itemIds: string[]) {
  for (const observer of observers) observer.report((el) => itemIds.includes(el.dataset.itemId ?? ""));
}
