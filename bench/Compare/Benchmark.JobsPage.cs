using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>The console's page size (its jobs page asks for 50).</summary>
    private const int ConsolePageSize = 50;

    /// <summary>How deep the "deep page" is: the page the console shows after this many clicks on "next".</summary>
    private const int DeepPage = 100;

    /// <summary>
    /// W8 (issue 21): the jobs page's server time with <see cref="BenchSettings.JobsPageRows"/> jobs in the table. A silo
    /// on a database of its own (retention off, so no generated job is deleted under the measurement), one real job as the
    /// template of the stored state, the rest generated with SQL; then <c>GET /api/jobs</c> as the console calls it, one
    /// request at a time, for each filter: the first page, and a deep page reached through the cursors as the console's
    /// "next" button does.
    /// </summary>
    private async Task JobsPageAsync()
    {
        var connection = databases.ConnectionString(databases.JobsPage);
        var environment = new Dictionary<string, string>(settings.SiloEnvironment)
        {
            ["OrleansJobs__Retention__Succeeded"] = "infinite",
            ["OrleansJobs__Retention__Failed"] = "infinite",
            ["OrleansJobs__Retention__Cancelled"] = "infinite",
        };
        await using var silo = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.JobsPage, connection, telemetry: true, environment, cancellationToken);
        const string template = "w8-template";
        var submitted = await Load.BurstAsync(silo, 1, 1, i => new JobOrder(template, i), settings.DrainCap, cancellationToken);
        await Load.DrainAsync(silo, template, submitted, DateTimeOffset.UtcNow + settings.DrainCap, cancellationToken);
        await GeneratedJobs.FillAsync(connection, await TemplateStateAsync(connection, template), settings.JobsPageRows, Progress, cancellationToken);

        var random = new Random(21);
        var kinds = new (string Name, Func<string> Query, bool Deep, bool Targeted)[]
        {
            ("newest first, no filter", () => "", true, false),
            ("status = Failed", () => "status=Failed", true, true),
            ($"queue = {GeneratedJobs.BigQueue} (20 % of the jobs)", () => $"queue={GeneratedJobs.BigQueue}", true, true),
            ($"queue = {GeneratedJobs.SmallQueue} (0.2 % of the jobs)", () => $"queue={GeneratedJobs.SmallQueue}", true, true),
            // The dead-letter view of one queue: two filters, each matching far more jobs than both together (about 140).
            ($"status = Failed and queue = {GeneratedJobs.SmallQueue}", () => $"status=Failed&queue={GeneratedJobs.SmallQueue}", true, true),
            ("search by correlation id", () => "search=" + GeneratedJobs.CorrelationId(random.NextInt64(1, settings.JobsPageRows + 1)), false, true),
        };
        const string oj = ResultTable.OrleansJobs;
        table.Set("W8", "jobs in the table (generated: 90 % Succeeded, 7 % Failed, 3 % Cancelled, over 54 queues and a month)", oj, Cell.Count(settings.JobsPageRows + 1));
        var cpu = new List<string>();
        foreach (var (name, query, deep, targeted) in kinds)
        {
            var first = await TimePagesAsync(silo, $"{name}, first page", () => Page(query(), null));
            cpu.Add(first.CpuMs);
            SetPageRow($"{name}, first page", first.P99, targeted);
            if (!deep) continue;
            var (cursor, depth) = await CursorOfPageAsync(silo, query());
            if (cursor is null) continue; // one page only: the first page was its deepest
            var deepReading = await TimePagesAsync(silo, $"{name}, page {depth}", () => Page(query(), cursor));
            cpu.Add(deepReading.CpuMs);
            SetPageRow($"{name}, page {depth} (through the cursor)", deepReading.P99, targeted);
        }
        table.Set("W8", "silo CPU per request (ms; each row above, in order)", oj, Cell.Note(string.Join(" / ", cpu)));
    }

    private void SetPageRow(string figure, double p99, bool targeted)
    {
        var row = $"GET /api/jobs p99 (ms), {figure}";
        table.Set("W8", row, ResultTable.OrleansJobs, Cell.Of(p99));
        if (targeted) table.Target("W8", row, "≤ 50 ms", double.IsNaN(p99) ? null : p99 <= 50);
    }

    private static string Page(string query, string? cursor) =>
        string.Join('&', new[] { $"limit={ConsolePageSize}", query, cursor is null ? "" : "cursor=" + Uri.EscapeDataString(cursor) }.Where(p => p.Length > 0));

    /// <summary>The cursor of page <see cref="DeepPage"/> (1 = the first) of a filter, or of its last page when it has fewer.</summary>
    private async Task<(string? Cursor, int Page)> CursorOfPageAsync(OrleansJobsSystem silo, string query)
    {
        string? cursor = null;
        var page = 1;
        while (page < DeepPage)
        {
            var (_, next) = await silo.ListPageAsync(Page(query, cursor), cancellationToken);
            if (next is null) break;
            (cursor, page) = (next, page + 1);
        }
        return (cursor, page);
    }

    /// <summary>
    /// <see cref="BenchSettings.JobsPageRequests"/> requests one after another (after a tenth as many untimed): the
    /// driver's response times, p50 and p99, and the silo's CPU time per request over the timed ones.
    /// </summary>
    private async Task<(double P99, string CpuMs)> TimePagesAsync(OrleansJobsSystem silo, string name, Func<string> query)
    {
        for (var i = 0; i < Math.Max(1, settings.JobsPageRequests / 10); i++) await silo.ListPageAsync(query(), cancellationToken);
        var times = new double[settings.JobsPageRequests];
        var items = 0;
        var cpuBefore = silo.CpuTime();
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.GetTimestamp();
            items += (await silo.ListPageAsync(query(), cancellationToken)).Items;
            times[i] = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }
        var cpuMs = (silo.CpuTime() - cpuBefore).TotalMilliseconds / times.Length;
        Array.Sort(times);
        var (p50, p99) = (Percentile(times, 0.50), Percentile(times, 0.99));
        Progress($"W8 {name}: {times.Length} requests, {items / (double)times.Length:N1} jobs a page, p50 {p50:N1} ms, p99 {p99:N1} ms, max {times[^1]:N1} ms, " +
                 $"silo CPU {cpuMs:N2} ms a request");
        return (p99, cpuMs.ToString("N2", CultureInfo.InvariantCulture));
    }

    /// <summary>The stored state of the template job, which ran as a real job does.</summary>
    private async Task<string> TemplateStateAsync(string connectionString, string queue)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT state FROM jobs WHERE queue = @queue AND status = 'Succeeded' LIMIT 1", connection);
        command.Parameters.AddWithValue("queue", queue);
        return await command.ExecuteScalarAsync(cancellationToken) as string
               ?? throw new InvalidOperationException("The template job of W8 did not succeed.");
    }
}
