#!/usr/bin/env node
// A reference OrleansJobs worker for Node.js (18 or later), built-ins only (node:http, AbortController, timers).
//
// It leases jobs of the types it has handlers for over HTTP, runs each handler as an async function, sends heartbeats
// that carry the handler's progress and keep the lease alive, aborts a handler whose job was cancelled, and reports
// the result or the failure. SIGTERM (or Ctrl+C) stops leasing; jobs already leased run to their end, then it exits.
//
// Use it as a module (new Worker(...).handle(type, fn)) or run it as is for the example type below.

import http from "node:http";
import https from "node:https";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";

/** Thrown by a handler's context when the job was cancelled (or timed out): the attempt ends cancelled. */
export class JobCancelled extends Error {
  constructor() {
    super("The job was cancelled.");
    this.name = "JobCancelled";
  }
}

/** The service no longer holds this lease for the job (it expired and the job moved on): drop the work. */
export class LeaseLost extends Error {}

const log = (...parts) => console.log(new Date().toISOString(), ...parts);
let quiet = false;
/** A line about one job: left out with --quiet (a worker taking thousands of jobs a second). */
const logJob = (...parts) => { if (!quiet) log(...parts); };

export class Client {
  constructor(url, apiKey) {
    this.url = new URL(url.replace(/\/+$/, ""));
    this.apiKey = apiKey;
    // node:http with kept-alive connections: it costs the worker far less CPU a request than fetch does.
    this.transport = this.url.protocol === "https:" ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }

  post(path, body) {
    const data = Buffer.from(JSON.stringify(body));
    const headers = { "Content-Type": "application/json", "Content-Length": data.length };
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    return new Promise((resolve, reject) => {
      const request = this.transport.request(new URL(this.url.pathname.replace(/\/$/, "") + path, this.url),
        { method: "POST", headers, agent: this.agent }, (response) => {
          const chunks = [];
          response.on("data", (chunk) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (response.statusCode === 409) reject(new LeaseLost(text));
            else if (response.statusCode < 200 || response.statusCode > 299) reject(new Error(`POST ${path} answered ${response.statusCode}: ${text}`));
            else {
              try { resolve(text ? JSON.parse(text) : null); } catch (error) { reject(error); }
            }
          });
        });
      request.on("error", reject);
      request.end(data);
    });
  }
}

export class Worker {
  constructor(client, name, { concurrency = 1, lease = "30s", wait = "10s", heartbeatSeconds = 5 } = {}) {
    Object.assign(this, { client, name, concurrency, lease, wait, heartbeatSeconds });
    this.handlers = new Map();
    this.running = new Set();
    this.stopping = false;
  }

  /** Registers fn(payload, context) => result (any JSON value) for jobs of type. */
  handle(type, fn) {
    this.handlers.set(type, fn);
    return this;
  }

  stop() {
    if (!this.stopping) log(`stopping: no more leases; waiting for ${this.running.size} running job(s)`);
    this.stopping = true;
  }

  /** Leases and runs jobs until stop() (SIGTERM), then waits for the running ones. */
  async run() {
    let delay = 500;
    while (!this.stopping) {
      const free = this.concurrency - this.running.size;
      if (free <= 0) {
        await Promise.race(this.running);
        continue;
      }
      let answer;
      try {
        answer = await this.client.post("/api/workers/lease", {
          worker: this.name, types: [...this.handlers.keys()].sort(), max: free, wait: this.wait, lease: this.lease,
        });
        delay = 500;
      } catch (error) {
        log(`lease request failed (${error.message}); retrying in ${delay} ms`);
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
        continue;
      }
      for (const job of answer.jobs) {
        const running = this.runJob(job).finally(() => this.running.delete(running));
        this.running.add(running);
      }
    }
    await Promise.all(this.running);
    log("stopped");
  }

  async runJob(job) {
    const path = `/api/jobs/${job.id}/lease/${job.leaseId}`;
    const abort = new AbortController();
    let progress = null;
    let sent = null;
    let wake = () => {};
    const context = {
      id: job.id, type: job.type, attempt: job.attempt, correlationId: job.correlationId, traceparent: job.traceparent,
      signal: abort.signal,
      progress: (percent, message) => { progress = { percent, message }; wake(); },
      checkCancelled: () => { if (abort.signal.aborted) throw new JobCancelled(); },
      sleep: (ms) => sleep(ms, undefined, { signal: abort.signal }).catch(() => { throw new JobCancelled(); }),
    };
    logJob(`job ${job.id} attempt ${job.attempt} leased`);
    let done = false;
    const handler = (async () => this.handlers.get(job.type)(job.payload, context))()
      .then((result) => ({ result }), (error) => ({ error }))
      .finally(() => { done = true; wake(); });
    try {
      while (!done) {
        await new Promise((resolve) => { wake = resolve; setTimeout(resolve, this.heartbeatSeconds * 1000).unref(); });
        // A handler that has just finished needs no heartbeat, unless it reported progress that was not sent yet.
        if (done && progress === sent) break;
        sent = progress;
        await this.heartbeat(path, job.id, progress, abort);
      }
      const outcome = await handler;
      if (!("error" in outcome)) {
        await this.client.post(`${path}/complete`, { result: outcome.result ?? null });
        logJob(`job ${job.id} completed`);
      } else {
        const cancelled = outcome.error instanceof JobCancelled || abort.signal.aborted;
        await this.client.post(`${path}/fail`, { error: String(outcome.error?.message ?? outcome.error), retryable: !cancelled });
        logJob(`job ${job.id} ${cancelled ? "cancelled" : `failed: ${outcome.error?.message}`}`);
      }
    } catch (error) {
      abort.abort();
      log(`job ${job.id}: ${error instanceof LeaseLost ? "lease lost" : "could not report"} (${error.message}); dropping it`);
    }
  }

  async heartbeat(path, id, progress, abort) {
    const body = { extend: this.lease, ...(progress ?? {}) };
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const answer = await this.client.post(`${path}/heartbeat`, body);
        if (answer.cancelRequested && !abort.signal.aborted) {
          log(`job ${id}: cancel requested`);
          abort.abort();
        }
        return;
      } catch (error) {
        if (error instanceof LeaseLost) throw error;
        log(`heartbeat of job ${id} failed (${error.message})`);
        await sleep(500 * attempt);
      }
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env.ORLEANSJOBS_URL ?? "http://127.0.0.1:5000" },
      "api-key": { type: "string", default: process.env.ORLEANSJOBS_API_KEY },
      name: { type: "string", default: `node-${process.pid}` },
      type: { type: "string", default: "steps" },
      concurrency: { type: "string", default: "1" },
      lease: { type: "string", default: "30s" },
      heartbeat: { type: "string", default: "5" },
      quiet: { type: "boolean", default: false },
    },
  });
  quiet = values.quiet;
  const worker = new Worker(new Client(values.url, values["api-key"]), values.name, {
    concurrency: Number(values.concurrency), lease: values.lease, heartbeatSeconds: Number(values.heartbeat),
  });
  // Example: {"steps": 5, "seconds": 0.5, "fail": false} runs that many steps, reporting progress after each.
  worker.handle(values.type, async (payload, context) => {
    const steps = Number(payload?.steps ?? 5);
    for (let step = 1; step <= steps; step++) {
      await context.sleep(Number(payload?.seconds ?? 0.5) * 1000);
      context.progress((100 * step) / steps, `step ${step} of ${steps}`);
    }
    if (payload?.fail) throw new Error("asked to fail");
    return { steps, worker: worker.name };
  });
  process.on("SIGTERM", () => worker.stop());
  process.on("SIGINT", () => worker.stop());
  log(`worker ${worker.name} leasing ${[...worker.handlers.keys()].join(", ")} from ${values.url}`);
  await worker.run();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
