using OrleansJobs.Client;

namespace MigrateSyncEndpoint;

/// <summary>
/// The app: <c>/sync/report</c> renders the report on the request's thread, as the legacy code did;
/// <c>/async/report</c> submits the same work as a <c>report</c> job and answers inline when it ends within 2 s,
/// otherwise <c>202</c> with the job's URL in <c>Location</c>. <c>/ping</c> shows whether the app still answers;
/// <c>/stats</c> what the thread pool did; the page at <c>/</c> watches a job's progress over the job service's hub.
/// </summary>
public static class SampleApp
{
    /// <summary>Where the job service is mapped.</summary>
    public const string JobsPrefix = "/jobs";

    /// <summary>How long <c>/async/report</c> waits before it answers <c>202</c>.</summary>
    public static readonly TimeSpan InlineWait = TimeSpan.FromSeconds(2);

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddOrleansJobs().AddJobHandler<ReportHandler>(ReportHandler.Type);
        builder.Services.AddSingleton<RuntimeStats>();

        var app = builder.Build();
        app.Services.GetRequiredService<RuntimeStats>();
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // Before: the whole report on the request's thread, which sleeps through every query.
        app.MapPost("/sync/report", (int? pages) =>
        {
            if (Invalid(pages) is { } problem) return problem;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long checksum = 0;
            for (var page = 1; page <= pages!.Value; page++) checksum ^= ReportWork.RenderPageBlocking(page);
            return Results.Ok(new ReportResult(pages.Value, checksum, clock.Elapsed.TotalSeconds));
        });

        // After: the same report as a job; a short one still answers inline.
        app.MapPost("/async/report", async (int? pages, IJobClient jobs, CancellationToken cancellationToken) =>
        {
            if (Invalid(pages) is { } problem) return problem;
            try
            {
                var job = await jobs.SubmitAndWaitAsync(ReportHandler.Type, new ReportRequest { Pages = pages!.Value }, InlineWait,
                    cancellationToken: cancellationToken);
                return Results.Ok(job);
            }
            catch (JobWaitTimeoutException slow)
            {
                return Results.Accepted($"{JobsPrefix}/api/jobs/{Uri.EscapeDataString(slow.Job.Id)}", slow.Job);
            }
        });

        app.MapGet("/ping", () => "pong");
        app.MapGet("/stats", (RuntimeStats stats) => stats.Read());
        app.MapPost("/stats/reset", (RuntimeStats stats) =>
        {
            stats.Reset();
            return Results.NoContent();
        });
        app.MapOrleansJobs(JobsPrefix);
        return app;
    }

    /// <summary>A problem document (RFC 7807) when <c>pages</c> is missing or outside 1 to 20, else null.</summary>
    private static IResult? Invalid(int? pages) => pages is >= 1 and <= 20
        ? null
        : Results.ValidationProblem(new Dictionary<string, string[]> { ["pages"] = ["pages must be a number from 1 to 20."] });
}
