// The seed's image pipeline as a workers definition. Channels and workers are the seed's, with
// its buffers, put modes and dispatch; two changes:
// - `images/store` is declared: the seed's `image-store` reads from it but never declares it
//   (validation reports that as an undeclared channel).
// - the image workers also report failures to `workers/errors`, so one consumer sees them all.
import { defineWorkers } from "@workers/config";

/** The definition; worker functions are references into `./workers.js`, loaded on threads. */
export const definition = defineWorkers({
  channels: {
    "commands/in": { buffer: 8 },
    // Load shedding at the door: when 4 downloads wait, a new one is dropped (and reported).
    "images/in": { buffer: 4, bufferType: "dropping", putMode: "drop" },
    "images/resize": { buffer: 2 },
    "images/store": { buffer: 2 },
    "images/out": { buffer: 4 },
    "workers/errors": { buffer: 8 },
  },
  workers: {
    commands: {
      kind: "command",
      in: "commands/in",
      workerFn: "./workers.js#commands",
      dispatch: "thread",
      expose: true,
      failChan: "workers/errors",
    },
    "image-download": {
      kind: "command",
      in: "images/in",
      workerFn: "./workers.js#imageDownload",
      dispatch: "thread",
      expose: true,
      failChan: "workers/errors",
    },
    "image-resize": {
      kind: "command",
      in: "images/resize",
      workerFn: "./workers.js#imageResize",
      dispatch: "thread",
      failChan: "workers/errors",
    },
    "image-store": {
      kind: "command",
      in: "images/store",
      workerFn: "./workers.js#imageStore",
      outputChan: "images/out",
      dispatch: "thread",
      failChan: "workers/errors",
    },
  },
});

/** What relative `workerFn` references in {@link definition} resolve against. */
export const definitionBaseUrl: string = import.meta.url;
