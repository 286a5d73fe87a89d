using System.Diagnostics;
using OrleansJobs.Handlers;

namespace MigrateSyncEndpoint;

/// <summary>The report moved to a job: the same pages, the I/O awaited, progress reported after each page.</summary>
public sealed class ReportHandler : IJobHandler<ReportRequest, ReportResult>
{
    public const string Type = "report";

    public async Task<ReportResult> ExecuteAsync(ReportRequest payload, JobContext context)
    {
        var clock = Stopwatch.StartNew();
        long checksum = 0;
        for (var page = 1; page <= payload.Pages; page++)
        {
            checksum ^= await ReportWork.RenderPageAsync(page, context.CancellationToken);
            context.Progress.Report(100.0 * page / payload.Pages, $"page {page} of {payload.Pages}");
        }
        return new ReportResult(payload.Pages, checksum, clock.Elapsed.TotalSeconds);
    }
}
