// OrleansJobs side by side with Hangfire 1.8 + Hangfire.PostgreSql on the same PostgreSQL server (issue 6). Starts what
// it measures itself: the built silo as a child process in PostgreSQL mode, and a Hangfire server in this process. Each
// run creates its own two databases on the server and drops them at the end, also after a failure or Ctrl-C. Prints
// progress on stderr and one Markdown table on stdout. docs/benchmarks.md explains every figure.
//
//   dotnet run -c Release --project bench/Compare -- [--postgres "Host=…;Username=…;Password=…"] [--only W1,W6] [--smoke] [--help]
//
// --postgres defaults to ORLEANSJOBS_TEST_POSTGRES; --smoke runs every workload with tiny counts in seconds; --help lists the rest.
using System.Diagnostics;
using System.Runtime.InteropServices;
using OrleansJobs.Bench.Compare;

// Bursts of continuations (HTTP answers, the load schedule's timers) must not wait for the thread pool to grow.
ThreadPool.SetMinThreads(64, 64);
if (BenchSettings.WantsHelp(args))
{
    Console.WriteLine(BenchSettings.Usage);
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
void Stop(PosixSignalContext context)
{
    context.Cancel = true; // finish through the finally blocks, which drop the databases and stop the silo
    stop.Cancel();
}

var clock = Stopwatch.StartNew();
var table = new ResultTable();
Console.WriteLine($"OrleansJobs vs Hangfire{(settings.Smoke ? " (smoke run: tiny counts, figures mean nothing)" : "")}: " +
                  $"{Environment.ProcessorCount} cores, {Machine.MemoryGiB():N1} GiB memory; Hangfire {settings.HangfireWorkers} workers; " +
                  $"tuned polling {HangfireSystem.TunedPollInterval.TotalSeconds:N0} s");
try
{
    await using var databases = await BenchDatabases.CreateAsync(settings.Postgres);
    await new Benchmark(settings, databases, table, stop.Token).RunAsync();
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped; the databases of this run were dropped.");
    return 130;
}

Console.WriteLine();
table.Print(Console.Out);
Console.WriteLine();
Console.WriteLine($"Run took {clock.Elapsed.TotalMinutes:N1} min.");
return 0;
