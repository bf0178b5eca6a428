import { describe, expectTypeOf, it } from "vitest";
import {
  type AltDefault,
  type ArgumentRangeError,
  alts,
  type BufferSpec,
  type BufferType,
  type Channel,
  type ChannelError,
  type ChannelErrorCode,
  type ChanOptions,
  type CombinatorOptions,
  chan,
  type DropReason,
  dropping,
  fixed,
  type Mult,
  mapPuts,
  merge,
  mult,
  type OntoOptions,
  onto,
  type PendingLimitError,
  type PipeOptions,
  type Pub,
  type PutMode,
  pipe,
  pipeline,
  promiseChan,
  pub,
  putWith,
  reduce,
  sliding,
  split,
  type ThenableValueError,
  timeout,
  toArray,
  toChan,
  type UndefinedValueError,
} from "../src/index.js";

describe("public types", () => {
  it("chan and Channel", () => {
    expectTypeOf(chan<number>()).toEqualTypeOf<Channel<number>>();
    expectTypeOf(chan<number>(4)).toEqualTypeOf<Channel<number>>();
    expectTypeOf(chan<string>({ buffer: 2, bufferType: "sliding" })).toEqualTypeOf<
      Channel<string>
    >();
    expectTypeOf<ChanOptions<number>["onDrop"]>().toEqualTypeOf<
      ((value: number, reason: DropReason) => void) | undefined
    >();
    expectTypeOf<BufferType>().toEqualTypeOf<"fixed" | "dropping" | "sliding">();
    expectTypeOf<DropReason>().toEqualTypeOf<"buffer-dropped" | "buffer-evicted">();
    expectTypeOf<PutMode>().toEqualTypeOf<"async" | "block" | "drop">();
    const ch = chan<number>();
    expectTypeOf(ch.put(1)).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(ch.putAsync(1)).toEqualTypeOf<boolean>();
    expectTypeOf(ch.offer(1)).toEqualTypeOf<boolean>();
    expectTypeOf(ch.take()).toEqualTypeOf<Promise<number | undefined>>();
    expectTypeOf(ch.poll()).toEqualTypeOf<number | undefined>();
    expectTypeOf(ch.close()).toEqualTypeOf<void>();
    expectTypeOf(ch.size).toEqualTypeOf<number>();
    expectTypeOf(ch.bufferType).toEqualTypeOf<BufferType>();
    expectTypeOf(ch[Symbol.asyncIterator]()).toEqualTypeOf<AsyncIterableIterator<number>>();
    // @ts-expect-error wrong value type
    void ch.put("x");
    // @ts-expect-error read-only state
    ch.size = 3;
    // @ts-expect-error no such buffer type
    chan({ buffer: 1, bufferType: "lifo" });
  });

  it("putWith, timeout, promiseChan", () => {
    expectTypeOf(putWith(chan<number>(), 1, "drop")).toEqualTypeOf<Promise<boolean>>();
    // @ts-expect-error unknown mode
    void putWith(chan<number>(), 1, "later");
    expectTypeOf(timeout(10)).toEqualTypeOf<Channel<never>>();
    expectTypeOf(promiseChan<string>()).toEqualTypeOf<Channel<string>>();
  });

  it("mapPuts keeps the channel's type", async () => {
    const ch = chan<{ id: number }>();
    const view = mapPuts(ch, (job) => ({ ...job, id: job.id + 1 }));
    expectTypeOf(view).toEqualTypeOf<Channel<{ id: number }>>();
    // @ts-expect-error fn must return the channel's value type
    mapPuts(ch, (job) => String(job.id));
    const r = await alts([view, [mapPuts(chan<string>(), (s) => s.trim()), "x"]]);
    expectTypeOf(r.value).toEqualTypeOf<{ id: number } | undefined | boolean>();
  });

  it("alts infers the value of each operation", async () => {
    const nums = chan<number>();
    const strs = chan<string>();
    const r = await alts([nums, [strs, "x"]]);
    expectTypeOf(r.value).toEqualTypeOf<number | undefined | boolean>();
    const d = await alts([nums], { default: "none" as const });
    expectTypeOf(d).toEqualTypeOf<
      { value: number | undefined; channel: Channel<number> } | AltDefault<"none">
    >();
    const t = await alts([nums, timeout(5)]);
    expectTypeOf(t.value).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a put's value must match its channel
    void alts([[nums, "not a number"]]);
  });

  it("combinators", () => {
    const ch = chan<number>();
    expectTypeOf(mult(ch)).toEqualTypeOf<Mult<number>>();
    expectTypeOf(pub(ch, (n) => (n > 0 ? "pos" : "neg"))).toEqualTypeOf<
      Pub<number, "pos" | "neg">
    >();
    expectTypeOf(merge([ch, ch])).toEqualTypeOf<Channel<number>>();
    expectTypeOf(split((n: number) => n > 0, ch)).toEqualTypeOf<
      [Channel<number>, Channel<number>]
    >();
    expectTypeOf(onto(ch, [1, 2])).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(toChan(["a"])).toEqualTypeOf<Channel<string>>();
    expectTypeOf(reduce((acc: string, n: number) => acc + n, "", ch)).toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf(toArray(ch)).toEqualTypeOf<Promise<number[]>>();
    expectTypeOf(pipeline(2, chan<string>(), async (n: number) => String(n), ch)).toEqualTypeOf<
      Promise<void>
    >();
  });

  it("combinators take onError (pipe and onto also keep core.async's close flag)", () => {
    const ch = chan<number>();
    const onError = (error: unknown): void => {
      expectTypeOf(error).toEqualTypeOf<unknown>();
    };
    expectTypeOf<PipeOptions>().toMatchTypeOf<CombinatorOptions>();
    expectTypeOf(pipe(ch, chan<number>(), false)).toEqualTypeOf<Channel<number>>();
    expectTypeOf(pipe(ch, chan<number>(), { close: false, onError })).toEqualTypeOf<
      Channel<number>
    >();
    expectTypeOf(onto(ch, [1], { close: false, onError } satisfies OntoOptions)).toEqualTypeOf<
      Promise<boolean>
    >();
    mult(ch, { onError });
    pub(ch, String, undefined, { onError });
    merge([ch], 4, { onError });
    split((n: number) => n > 0, ch, 1, 1, { onError });
    toChan([1], undefined, { onError });
    // @ts-expect-error onError takes a function
    mult(ch, { onError: "log" });
    // @ts-expect-error pipe's third argument is a boolean or options, not a number
    pipe(ch, chan<number>(), 1);
  });

  it("errors carry codes", () => {
    expectTypeOf<ChannelError["code"]>().toEqualTypeOf<ChannelErrorCode>();
    expectTypeOf<PendingLimitError["operation"]>().toEqualTypeOf<"put" | "take">();
    expectTypeOf<UndefinedValueError>().toMatchTypeOf<TypeError>();
    expectTypeOf<UndefinedValueError["code"]>().toEqualTypeOf<"ERR_UNDEFINED_VALUE">();
    expectTypeOf<ThenableValueError>().toMatchTypeOf<TypeError>();
    expectTypeOf<ThenableValueError["code"]>().toEqualTypeOf<"ERR_THENABLE">();
    expectTypeOf<ArgumentRangeError>().toMatchTypeOf<RangeError>();
    expectTypeOf<ArgumentRangeError["code"]>().toEqualTypeOf<"ERR_INVALID_ARGUMENT">();
    expectTypeOf<"ERR_THENABLE" | "ERR_UNDEFINED_VALUE">().toMatchTypeOf<ChannelErrorCode>();
  });

  it("buffer constructors describe a buffer chan takes, with or without onDrop", () => {
    expectTypeOf(dropping(2)).toEqualTypeOf<BufferSpec<"dropping">>();
    expectTypeOf(fixed(2).bufferType).toEqualTypeOf<"fixed">();
    expectTypeOf(chan<number>(sliding(1))).toEqualTypeOf<Channel<number>>();
    chan<number>({
      ...dropping(1),
      onDrop: (value) => expectTypeOf(value).toEqualTypeOf<number>(),
    });
  });
});
