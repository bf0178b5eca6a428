// The HTTP entry point over a stand-in system: routes, status codes and error mapping.
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiSystem, createApi } from "../src/api.js";
import { close, listen } from "../src/http-util.js";
import { JobTracker } from "../src/jobs.js";

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

let server: Server | undefined;
afterEach(async () => {
  if (server) await close(server);
  server = undefined;
});

async function api(system: Partial<ApiSystem>, jobs = new JobTracker()) {
  const full: ApiSystem = {
    command: async () => true,
    request: async () => ({}),
    stats: () => ({ drops: {}, errors: {} }),
    ...system,
  };
  server = createServer(createApi({ system: full, jobs, outDir: "/tmp/out", waitTimeoutMs: 1000 }));
  const url = await listen(server, 0, "127.0.0.1");
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { url, post, jobs };
}

describe("api", () => {
  it("POST /images commands image-download and answers 202 with the job's status", async () => {
    const sent: unknown[] = [];
    const { url, post } = await api({
      command: async (worker, msg) => {
        sent.push({ worker, msg });
        return true;
      },
    });
    const res = await post("/images", { url: "http://127.0.0.1:9/a.png" });
    expect(res.status).toBe(202);
    const { jobId, status } = (await res.json()) as { jobId: string; status: string };
    expect(res.headers.get("location")).toBe(status);
    expect(sent).toEqual([
      {
        worker: "image-download",
        msg: { jobId, url: "http://127.0.0.1:9/a.png", outDir: "/tmp/out" },
      },
    ]);
    expect(await (await fetch(`${url}${status}`)).json()).toMatchObject({ jobId, state: "queued" });
  });

  it("POST /images?wait=1 answers 201 with the stored file once images/out has it", async () => {
    const jobs = new JobTracker();
    const { post } = await api(
      {
        request: async (_worker, msg) => {
          const { jobId, url } = msg as { jobId: string; url: string };
          // image-download replies before image-store is done.
          setImmediate(() =>
            jobs.stored({
              jobId,
              url,
              file: "/tmp/out/a.jpg",
              width: 160,
              height: 90,
              bytes: 5000,
              source: { width: 1600, height: 900, format: "png", bytes: 90000 },
              storedAt: 1,
            }),
          );
          return { jobId };
        },
      },
      jobs,
    );
    const res = await post("/images?wait=1", { url: "http://127.0.0.1:9/a.png" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ file: "/tmp/out/a.jpg", width: 160, height: 90 });
  });

  it.each([
    ["ERR_DROPPED", 503],
    ["ERR_STOPPED", 503],
    ["ERR_TIMEOUT", 504],
    ["ERR_DOWNLOAD", 502],
    ["ERR_NOT_EXPOSED", 500],
  ])("a request rejected with %s answers %i with the code", async (code, status) => {
    const { post } = await api({
      request: async () => {
        throw coded(code);
      },
    });
    const res = await post("/images?wait=1", { url: "http://127.0.0.1:9/a.png" });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({
      error: { code, message: code },
      jobId: expect.any(String),
    });
    if (code === "ERR_DROPPED") expect(res.headers.get("retry-after")).toBe("1");
  });

  it("rejects a body without a usable URL with 400", async () => {
    const { post } = await api({});
    for (const body of ["{", { url: 3 }, { url: "not a url" }, { url: "file:///etc/passwd" }]) {
      const res = await post("/images", body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "ERR_BAD_REQUEST" } });
    }
  });

  it("a refused command answers 503 and marks the job dropped", async () => {
    const { post, jobs } = await api({ command: async () => false });
    const res = await post("/images", { url: "http://127.0.0.1:9/a.png" });
    expect(res.status).toBe(503);
    expect(jobs.counts.dropped).toBe(1);
  });

  it("POST /commands, GET /stats, and 404 elsewhere", async () => {
    const { url, post } = await api({});
    expect((await post("/commands", { cmd: "ping" })).status).toBe(202);
    expect((await post("/commands", { nope: 1 })).status).toBe(400);
    expect(await (await fetch(`${url}/stats`)).json()).toEqual({ drops: {}, errors: {} });
    expect((await fetch(`${url}/images/unknown`)).status).toBe(404);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });
});
