#!/usr/bin/env python3
"""A reference OrleansJobs worker in plain Python (standard library only).

It leases jobs of the types it has handlers for over HTTP, runs each handler on a thread, sends heartbeats that carry
the handler's progress and keep the lease alive, stops a handler whose job was cancelled, and reports the result or
the failure. SIGTERM (or Ctrl+C) stops leasing; jobs already leased run to their end, then the worker exits.

Use it as a library (register handlers with Worker.handler) or run it as is for the example types below.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

log = logging.getLogger("orleansjobs.worker")


class JobCancelled(Exception):
    """Raised by JobContext.check_cancelled: the job was cancelled (or timed out) and the handler should stop."""


class LeaseLost(Exception):
    """The service no longer holds this lease for the job (it expired and the job moved on): drop the work."""


class JobContext:
    """What a handler gets besides the payload: progress reports and the cancellation flag."""

    def __init__(self, job):
        self.id = job["id"]
        self.type = job["type"]
        self.attempt = job["attempt"]
        self.correlation_id = job.get("correlationId")
        self.traceparent = job.get("traceparent")
        self._progress = None
        self._changed = threading.Event()
        self.cancelled = threading.Event()

    def progress(self, percent=None, message=None):
        """Reports progress; it reaches watchers with the next heartbeat, which is sent at once."""
        self._progress = (percent, message)
        self._changed.set()

    def check_cancelled(self):
        """Raises JobCancelled once the service asked the job to stop."""
        if self.cancelled.is_set():
            raise JobCancelled("The job was cancelled.")

    def sleep(self, seconds):
        """Sleeps, waking early (with JobCancelled) when the job is cancelled."""
        if self.cancelled.wait(seconds):
            raise JobCancelled("The job was cancelled.")


class Client:
    """The worker's HTTP calls: JSON in, JSON out, problem details turned into exceptions."""

    def __init__(self, url, api_key=None, timeout=90):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def post(self, path, body):
        data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        if self.api_key:
            request.add_header("Authorization", "Bearer " + self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
                return json.loads(payload) if payload else None
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            if error.code == 409:
                raise LeaseLost(detail) from None
            raise RuntimeError(f"POST {path} answered {error.code}: {detail}") from None


class Worker:
    def __init__(self, client, name, concurrency=1, lease="30s", wait="10s", heartbeat_seconds=5.0):
        self.client = client
        self.name = name
        self.concurrency = concurrency
        self.lease = lease
        self.wait = wait
        self.heartbeat_seconds = heartbeat_seconds
        self.handlers = {}
        self.stopping = threading.Event()
        self._running = []

    def handler(self, job_type):
        """Registers the decorated function fn(payload, context) -> result (any JSON value) for job_type."""

        def register(fn):
            self.handlers[job_type] = fn
            return fn

        return register

    def stop(self, *_):
        if not self.stopping.is_set():
            log.info("stopping: no more leases; waiting for %d running job(s)", len(self._alive()))
        self.stopping.set()

    def run(self):
        """Leases and runs jobs until stop() (SIGTERM), then waits for the running ones."""
        delay = 0.5
        while not self.stopping.is_set():
            free = self.concurrency - len(self._alive())
            if free <= 0:
                time.sleep(0.05)
                continue
            try:
                answer = self.client.post("/api/workers/lease", {
                    "worker": self.name, "types": sorted(self.handlers), "max": free, "wait": self.wait, "lease": self.lease})
                delay = 0.5
            except (OSError, RuntimeError) as error:
                log.warning("lease request failed (%s); retrying in %.1fs", error, delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, 10)
                continue
            for job in answer["jobs"]:
                thread = threading.Thread(target=self._run_job, args=(job,), name="job-" + job["id"])
                thread.start()
                self._running.append(thread)
        for thread in self._alive():
            thread.join()
        log.info("stopped")

    def _alive(self):
        self._running = [t for t in self._running if t.is_alive()]
        return self._running

    def _run_job(self, job):
        context = JobContext(job)
        path = f"/api/jobs/{job['id']}/lease/{job['leaseId']}"
        outcome = {}
        log.info("job %s attempt %d leased", job["id"], job["attempt"])

        def call_handler():
            try:
                outcome["result"] = self.handlers[job["type"]](job.get("payload"), context)
            except BaseException as error:  # reported to the service as the attempt's failure
                outcome["error"] = error
            finally:
                context._changed.set()  # the last heartbeat goes now, then the outcome

        handler = threading.Thread(target=call_handler, name="handler-" + job["id"], daemon=True)
        handler.start()
        try:
            while handler.is_alive():
                context._changed.wait(self.heartbeat_seconds)
                context._changed.clear()
                self._heartbeat(path, context)
            if "error" not in outcome:
                self.client.post(path + "/complete", {"result": outcome.get("result")})
                log.info("job %s completed", job["id"])
            else:
                error = outcome["error"]
                cancelled = isinstance(error, JobCancelled)
                self.client.post(path + "/fail", {"error": str(error) or type(error).__name__, "retryable": not cancelled})
                log.info("job %s %s", job["id"], "cancelled" if cancelled else "failed: %s" % error)
        except LeaseLost as lost:
            context.cancelled.set()
            log.warning("job %s: lease lost (%s); dropping it", job["id"], lost)
        except (OSError, RuntimeError) as error:
            context.cancelled.set()
            log.warning("job %s: could not report (%s); the lease expires and the job is retried", job["id"], error)

    def _heartbeat(self, path, context):
        body = {"extend": self.lease}
        if context._progress is not None:
            body["percent"], body["message"] = context._progress
        for attempt in range(3):
            try:
                answer = self.client.post(path + "/heartbeat", body)
                if answer["cancelRequested"] and not context.cancelled.is_set():
                    log.info("job %s: cancel requested", context.id)
                    context.cancelled.set()
                return
            except (OSError, RuntimeError) as error:
                log.warning("heartbeat of job %s failed (%s)", context.id, error)
                time.sleep(0.5 * (attempt + 1))


def main(argv=None):
    parser = argparse.ArgumentParser(description="OrleansJobs reference worker (Python).")
    parser.add_argument("--url", default=os.environ.get("ORLEANSJOBS_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--api-key", default=os.environ.get("ORLEANSJOBS_API_KEY"))
    parser.add_argument("--name", default=f"python-{os.getpid()}")
    parser.add_argument("--type", default="steps", help="the job type the example 'steps' handler runs")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--lease", default="30s")
    parser.add_argument("--heartbeat", type=float, default=5.0, help="seconds between heartbeats")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stdout)

    worker = Worker(Client(args.url, args.api_key), args.name, args.concurrency, args.lease, heartbeat_seconds=args.heartbeat)

    @worker.handler(args.type)
    def steps(payload, context):
        """Example: {"steps": 5, "seconds": 0.5, "fail": false} runs that many steps, reporting progress after each."""
        payload = payload or {}
        count = int(payload.get("steps", 5))
        for step in range(1, count + 1):
            context.sleep(float(payload.get("seconds", 0.5)))
            context.progress(100.0 * step / count, f"step {step} of {count}")
        if payload.get("fail"):
            raise RuntimeError("asked to fail")
        return {"steps": count, "worker": worker.name}

    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    log.info("worker %s leasing %s from %s", worker.name, ", ".join(sorted(worker.handlers)), args.url)
    worker.run()


if __name__ == "__main__":
    main()
