/**
 * What a client worked out once about a statement text. Applications send a few dozen distinct texts, values
 * apart; texts built with values inlined would grow the memo without end, so past `limit` texts it starts over.
 *
 * @example
 * const kinds = new TextMemo<string>();
 * const kind = kinds.get(sql) ?? kinds.set(sql, statementKind(sql));
 */
export class TextMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly limit = 256) {}

  get(text: string): V | undefined {
    return this.values.get(text);
  }

  /** Remembers `value` for `text` and returns it. */
  set(text: string, value: V): V {
    if (this.values.size >= this.limit) this.values.clear();
    this.values.set(text, value);
    return value;
  }
}
