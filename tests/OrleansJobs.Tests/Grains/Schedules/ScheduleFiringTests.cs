using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansJobs.Jobs;
using OrleansJobs.Schedules;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Schedules;

/// <summary>
/// A schedule firing every second in a one-silo test cluster (real job grains on SQLite) whose schedule storage fails one
/// chosen write: the write that records a fired job, lost before it is stored (as a silo killed between the job's
/// submit and the schedule's record leaves it) or stored with its answer lost (a stale ETag). A manual trigger on a
/// paused schedule goes through the same failure.
/// </summary>
[Trait("Kind", "Silo")]
public sealed class ScheduleFiringTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansjobs-schedule-firing-").FullName;
    private InProcessTestCluster _cluster = null!;
    private FaultyGrainStorage Storage => _cluster.Silos[0].SiloHost.Services.GetRequiredService<FaultyGrainStorage>();
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cluster = await SqliteTestCluster.DeployAsync(_directory, silo =>
        {
            silo.AddMemoryGrainStorage("inner");
            silo.Services.AddSingleton(sp => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>("inner")));
            silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<FaultyGrainStorage>());
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fire_whose_record_fails_is_finished_once_and_no_occurrence_with_a_job_counts_as_missed(bool stored)
    {
        var name = "every-second-" + (stored ? "stored" : "lost");
        var schedule = _cluster.Client.GetGrain<IScheduleGrain>(ScheduleKeys.GrainKey(name));
        // The write that records the schedule's first job fails once.
        var failed = Storage.FailNextWrite<ScheduleState>(state => state.Fired == 1, stored);
        await schedule.Put(new ScheduleDefinition
        {
            Cron = "* * * * * *",
            Job = new JobSpec { Type = "noop", Queue = name },
            JobJson = $$"""{"type":"noop","queue":"{{name}}"}""",
        });
        await failed.WaitAsync(TimeSpan.FromSeconds(30), Token);
        // It goes on from the stored state, as a silo would after a crash there, and fires on.
        await Eventually.Until(async () => (await schedule.Get())!.Fired >= 5, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100),
            "the schedule did not go on firing after the failed write");
        var view = await schedule.Pause();

        var store = _cluster.Silos[0].SiloHost.Services.GetRequiredService<IJobStore>();
        var jobs = (await store.ListAsync(new JobQuery(Queue: name, Limit: 500), Token)).Items;
        var fired = jobs.Select(j => (At: DateTimeOffset.Parse(j.Spec!.Tags!["occurrence"], System.Globalization.CultureInfo.InvariantCulture),
            Missed: j.Spec.Tags.TryGetValue("missedOccurrences", out var missed) ? int.Parse(missed, System.Globalization.CultureInfo.InvariantCulture) : 1))
            .OrderBy(f => f.At).ToList();
        var described = string.Join(", ", fired.Select(f => $"{f.At:HH:mm:ss}" + (f.Missed > 1 ? $" (catch-up of {f.Missed})" : "")));
        TestContext.Current.TestOutputHelper?.WriteLine($"jobs: {described}");

        Assert.Equal(view.Fired, jobs.Count);
        Assert.Equal(fired.Count, fired.Select(f => f.At).Distinct().Count());
        // Every job stands for the occurrences since the one before it: a catch-up counts exactly the gap it closes, and
        // never the occurrence whose job the failed write had not recorded.
        Assert.All(fired.Zip(fired.Skip(1)), pair => Assert.Equal((int)((pair.Second.At - pair.First.At) / Period), pair.Second.Missed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_trigger_whose_record_fails_makes_one_job_counted_once_on_a_paused_schedule(bool stored)
    {
        var name = "triggered-" + (stored ? "stored" : "lost");
        var schedule = _cluster.Client.GetGrain<IScheduleGrain>(ScheduleKeys.GrainKey(name));
        await schedule.Put(new ScheduleDefinition
        {
            Cron = "0 0 0 1 1 *", // once a year: only the trigger makes a job here
            Job = new JobSpec { Type = "noop", Queue = name },
            JobJson = $$"""{"type":"noop","queue":"{{name}}"}""",
        });
        await schedule.Pause(); // nothing but a trigger or a call finishes a paused schedule's work
        // The write that records the trigger's job fails once; the caller sees it fail.
        var failed = Storage.FailNextWrite<ScheduleState>(state => state.Fired == 1, stored);
        await Assert.ThrowsAnyAsync<Exception>(() => schedule.Trigger());
        await failed.WaitAsync(TimeSpan.FromSeconds(30), Token);

        // The job made before the failure is counted once, whether the record was lost (finished by the timer) or stored.
        await Eventually.Until(async () => (await schedule.Get())!.Fired == 1, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            "the trigger's job was never counted");
        var store = _cluster.Silos[0].SiloHost.Services.GetRequiredService<IJobStore>();
        var jobs = (await store.ListAsync(new JobQuery(Queue: name, Limit: 10), Token)).Items;
        var job = Assert.Single(jobs);
        Assert.True(job.Spec!.Tags!.ContainsKey("triggeredAt"));
        var view = (await schedule.Get())!;
        Assert.Equal(job.Id, view.LastJobId);
        Assert.True(view.Definition.Paused);
        // And a second trigger is a second job, not a repeat of the first.
        var second = await schedule.Trigger();
        Assert.NotEqual(job.Id, second.Job.Id);
        Assert.Equal(2, (await schedule.Get())!.Fired);
    }
}
