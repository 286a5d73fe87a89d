using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Schedules;

/// <summary>A schedule firing every two seconds in the real silo process, through a SIGKILL and a restart on the same data.</summary>
[Trait("Kind", "Process")]
public sealed class ScheduleRestartTests : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-schedule-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private SiloProcess StartSilo() => SiloProcess.Start(new SiloProcessOptions { DataDirectory = _data });

    [Fact]
    public async Task Schedule_fires_every_occurrence_once_through_a_kill_and_catches_up_the_downtime_with_one_job()
    {
        const string name = "every-two-seconds";
        DateTimeOffset killedAt;
        await using (var silo = StartSilo())
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            using var put = await silo.Http.PutAsJsonAsync($"/api/schedules/{name}",
                new { cron = "*/2 * * * * *", job = new { type = "noop", queue = name }, misfire = "fireOnce" }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            await Eventually.Until(async () => (await ScheduleJobsAsync(silo.Http, name)).Count >= 3,
                TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), "the schedule did not fire three times");
            silo.Kill();
            killedAt = DateTimeOffset.UtcNow;
        }

        await Task.Delay(TimeSpan.FromSeconds(6), TestContext.Current.CancellationToken);
        await using var restarted = StartSilo();
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        var readyAt = DateTimeOffset.UtcNow;
        await Eventually.Until(async () => (await ScheduleJobsAsync(restarted.Http, name)).Count(j => Occurrence(j) > readyAt) >= 3,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), "the schedule did not fire three times after the restart");
        using var pause = await restarted.Http.PostAsync($"/api/schedules/{name}/pause", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);

        var jobs = await ScheduleJobsAsync(restarted.Http, name);
        var occurrences = jobs.Select(Occurrence).Order().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"killed at {killedAt:HH:mm:ss.fff}, ready again at {readyAt:HH:mm:ss.fff}; jobs: {DescribeScheduleJobs(jobs)}");

        // No duplicate: one job per occurrence.
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        // Exactly one catch-up job, made after the restart for the downtime.
        var catchUp = Assert.Single(jobs, j => j.GetProperty("tags").TryGetProperty("missedOccurrences", out _));
        var caughtUpTo = Occurrence(catchUp);
        Assert.True(caughtUpTo > killedAt, $"the catch-up stands for {caughtUpTo:O}, before the kill at {killedAt:O}");
        // Every occurrence is there, two seconds apart, except the gap the catch-up job stands for.
        var gaps = occurrences.Zip(occurrences.Skip(1), (a, b) => (From: a, To: b)).Where(p => p.To - p.From != Period).ToList();
        var gap = Assert.Single(gaps);
        Assert.Equal(caughtUpTo, gap.To);
        var missedInGap = (int)((gap.To - gap.From) / Period);
        var missed = int.Parse(catchUp.GetProperty("tags").GetProperty("missedOccurrences").GetString()!, CultureInfo.InvariantCulture);
        // The catch-up counts the occurrences since the last job, even when the kill came between a job's submit and the
        // schedule's record of it: the schedule stores a fire before it submits the job, and finishes it after the restart.
        Assert.Equal(missedInGap, missed);
        Assert.All(jobs, j => Assert.Equal("Succeeded", j.GetProperty("status").GetString()));
    }
}
