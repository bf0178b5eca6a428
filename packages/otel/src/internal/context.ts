import { type Context, createContextKey } from "@opentelemetry/api";

/**
 * The key `trace.setSpan` stores a span under. API keys are `Symbol.for` their description, so
 * that copies of the API agree on them; this is the API's own.
 */
export const SPAN_KEY: symbol = createContextKey("OpenTelemetry Context Key SPAN");

/**
 * A context adding one value to its parent: what `parent.setValue(key, value)` gives, without
 * copying the parent. (The API's contexts copy their whole map and make three closures on
 * every `setValue`; the component derives two or three contexts a message.) Lookups walk up to
 * the parent; chains stay short, as each processing starts from the context its headers carry.
 */
export class LinkedContext implements Context {
  readonly #parent: Context;
  readonly #key: symbol;
  readonly #value: unknown;

  constructor(parent: Context, key: symbol, value: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  getValue(key: symbol): unknown {
    return key === this.#key ? this.#value : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}
