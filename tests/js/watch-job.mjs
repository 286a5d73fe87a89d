// Submits a `delay` job to an OrleansJobs service, watches it over the SignalR hub with the stock
// @microsoft/signalr client and prints every JobEvent as one JSON line, exiting after the terminal status.
// Usage: node watch-job.mjs <base-url> [duration] [steps]
import { HubConnectionBuilder, LogLevel } from "@microsoft/signalr";

const [baseUrl, duration = "00:00:02", steps = "10"] = process.argv.slice(2);
if (!baseUrl) {
  console.error("usage: node watch-job.mjs <base-url> [duration] [steps]");
  process.exit(2);
}
const base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
const terminal = new Set(["Succeeded", "Failed", "Cancelled"]);

const submitted = await fetch(new URL("api/jobs", base), {
  method: "POST",
  headers: { "content-type": "application/json" },
  // Starts a few seconds later, so that the subscription is in place before the first progress report even on a
  // busy machine (Node, the npm client and the SignalR negotiation all start cold).
  body: JSON.stringify({ type: "delay", payload: { duration, steps: Number(steps) }, runAt: new Date(Date.now() + 4000).toISOString() }),
});
if (submitted.status !== 202) {
  console.error(`submit answered ${submitted.status}: ${await submitted.text()}`);
  process.exit(1);
}
const job = await submitted.json();

const connection = new HubConnectionBuilder()
  .withUrl(new URL("hubs/jobs", base).href)
  .withAutomaticReconnect()
  .configureLogging(LogLevel.Warning)
  .build();

let last = -1;
const finished = new Promise((resolve) => {
  connection.on("JobEvent", (event) => {
    if (event.jobId !== job.id || event.sequence <= last) return;
    last = event.sequence;
    console.log(JSON.stringify(event));
    if (event.kind === "status" && terminal.has(event.status)) resolve();
  });
});
connection.onreconnected(() => connection.invoke("Subscribe", job.id));

const timeout = setTimeout(() => {
  console.error(`job ${job.id} did not finish within 60 s`);
  process.exit(1);
}, 60_000);

await connection.start();
await connection.invoke("Subscribe", job.id);
await finished;
clearTimeout(timeout);
await connection.stop();
