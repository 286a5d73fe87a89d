using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Jobs;
using OrleansJobs.Queues;
using OrleansJobs.Tests.Infrastructure;
using StoredJobs = OrleansJobs.Tests.Grains.Storage.Jobs;

namespace OrleansJobs.Tests.Grains.Queues;

[Trait("Kind", "Unit")]
public sealed class QueueAdmissionTests
{
    private const string Limited = "limited";
    private const string Silo = "silo-1";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private static readonly QueueSettings OneAtATime = new() { MaxConcurrency = 1 };

    private readonly FakeTimeProvider time = new(StoredJobs.T0);
    private readonly FakeDirectory directory = new();
    private readonly FakeQueue queue = new();
    private readonly QueueAdmission admission;

    public QueueAdmissionTests()
    {
        directory.Queues = ImmutableDictionary<string, QueueSettings>.Empty.Add(Limited, OneAtATime);
        var grains = new FakeGrainFactory().Add<IQueueDirectoryGrain>(0, directory).Add<IQueueGrain>(Limited, queue);
        admission = new QueueAdmission(
            grains, time, Options.Create(new QueueOptions { SettingsRefreshInterval = RefreshInterval }), NullLogger<QueueAdmission>.Instance);
    }

    private static JobState Job(string queueName) => StoredJobs.New(queue: queueName);

    [Fact]
    public async Task A_job_of_a_queue_without_limits_starts_without_asking_any_queue_grain()
    {
        Assert.True(await admission.EnterAsync(Job("unlisted"), Silo));
        Assert.True(await admission.IsFreeAsync("unlisted"));
    }

    public static TheoryData<QueueSettings, bool> SettingsAndFreedom => new()
    {
        { QueueSettings.Unlimited, true },
        { new QueueSettings { MaxConcurrency = 3 }, false },
        { new QueueSettings { MaxConcurrencyPerKey = 1 }, false },
        { new QueueSettings { RatePerSecond = 5 }, false },
        { new QueueSettings { Paused = true }, false },
    };

    [Theory]
    [MemberData(nameof(SettingsAndFreedom))]
    public async Task A_queue_is_free_only_with_no_limit_and_not_paused(QueueSettings settings, bool free)
    {
        directory.Queues = directory.Queues.SetItem("listed", settings);

        Assert.Equal(free, await admission.IsFreeAsync("listed"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_job_of_a_limited_queue_asks_its_queue_grain_and_starts_only_when_granted(bool granted)
    {
        queue.Grants = granted;
        // Submitted well before now: the queue ages a waiter from its submission, not from when it asked.
        var job = StoredJobs.New(queue: Limited, createdAt: time.GetUtcNow() - TimeSpan.FromMinutes(5));
        job.Spec = job.Spec! with { Priority = 7, ConcurrencyKey = "tenant-9" };

        Assert.Equal(granted, await admission.EnterAsync(job, Silo));

        Assert.Equal(new QueueTicket(job.Id, 7, "tenant-9", job.CreatedAt, Silo), Assert.Single(queue.Tickets));
    }

    [Fact]
    public async Task A_paused_queue_is_asked_too_so_its_jobs_wait()
    {
        directory.Queues = directory.Queues.SetItem(Limited, new QueueSettings { Paused = true });

        Assert.False(await admission.EnterAsync(Job(Limited), Silo));
        Assert.Single(queue.Tickets);
    }

    [Fact]
    public async Task The_settings_are_read_once_per_refresh_interval_and_a_change_elsewhere_applies_at_the_next_read()
    {
        Assert.True(await admission.IsFreeAsync("other"));
        directory.Queues = directory.Queues.SetItem("other", OneAtATime);

        time.Advance(RefreshInterval - TimeSpan.FromMilliseconds(1));
        Assert.True(await admission.IsFreeAsync("other"));
        Assert.Equal(1, directory.Reads);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await admission.IsFreeAsync("other"));
        Assert.Equal(2, directory.Reads);
    }

    [Fact]
    public async Task When_the_directory_cannot_be_read_the_settings_from_before_still_apply()
    {
        Assert.False(await admission.IsFreeAsync(Limited));
        directory.Failure = new TimeoutException("directory unreachable");

        time.Advance(RefreshInterval);

        Assert.False(await admission.IsFreeAsync(Limited));
        Assert.True(await admission.IsFreeAsync("other"));
    }

    [Fact]
    public async Task With_nothing_read_yet_an_unreachable_directory_lets_no_job_start_and_the_next_call_reads_again()
    {
        directory.Failure = new TimeoutException("directory unreachable");

        await Assert.ThrowsAsync<TimeoutException>(() => admission.EnterAsync(Job("other"), Silo).AsTask());

        directory.Failure = null;
        Assert.True(await admission.EnterAsync(Job("other"), Silo));
        Assert.Equal(2, directory.Reads);
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_refresh_share_it()
    {
        directory.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = admission.IsFreeAsync(Limited).AsTask();
        var second = admission.IsFreeAsync("other").AsTask();
        directory.Gate.SetResult();

        Assert.False(await first);
        Assert.True(await second);
        Assert.Equal(1, directory.Reads);
    }

    [Fact]
    public async Task A_change_made_through_this_silo_applies_at_once_without_a_read()
    {
        Assert.True(await admission.IsFreeAsync("other"));

        admission.Changed("other", new QueueSettings { Paused = true });
        Assert.False(await admission.IsFreeAsync("other"));

        admission.Changed(Limited, QueueSettings.Unlimited);
        Assert.True(await admission.IsFreeAsync(Limited));

        Assert.Equal(1, directory.Reads);
    }

    [Fact]
    public async Task A_change_before_the_first_read_gives_way_to_what_the_directory_holds()
    {
        admission.Changed(Limited, QueueSettings.Unlimited);

        Assert.False(await admission.IsFreeAsync(Limited));
        Assert.Equal(1, directory.Reads);
    }

    [Fact]
    public async Task Leaving_a_free_queue_gives_nothing_back()
    {
        directory.Queues = ImmutableDictionary<string, QueueSettings>.Empty;

        await admission.LeaveAsync(Job(Limited));

        Assert.Empty(queue.Releases);
    }

    [Fact]
    public async Task Leaving_a_limited_queue_gives_the_jobs_slot_back()
    {
        var job = Job(Limited);

        await admission.LeaveAsync(job);

        Assert.Equal(job.Id, Assert.Single(queue.Releases));
    }

    [Fact]
    public async Task A_slot_that_cannot_be_given_back_is_retried_after_100_ms_500_ms_and_2_s_and_then_left_to_the_queues_check()
    {
        queue.FailingReleases = int.MaxValue;
        var leaving = await StartLeavingAsync(Job(Limited));

        // The queue fails at once, so each retry's wait has begun by the time the previous attempt is counted.
        foreach (var (wait, attempts) in new[] { (100, 2), (500, 3), (2000, 4) })
        {
            time.Advance(TimeSpan.FromMilliseconds(wait - 1));
            Assert.Equal(attempts - 1, queue.Releases.Count);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempts, queue.Releases.Count);
        }

        await leaving.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(4, queue.Releases.Count);
    }

    [Fact]
    public async Task A_slot_given_back_on_a_retry_is_not_given_back_again()
    {
        queue.FailingReleases = 1;
        var leaving = await StartLeavingAsync(Job(Limited));

        time.Advance(TimeSpan.FromMilliseconds(100));
        await leaving.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, queue.Releases.Count);
    }

    /// <summary>
    /// Starts <see cref="QueueAdmission.LeaveAsync"/> with the settings already read, off the test's synchronization
    /// context: each retry then runs inside the <see cref="FakeTimeProvider.Advance"/> that ends its wait, so the test
    /// sees every attempt as soon as Advance returns.
    /// </summary>
    private async Task<Task> StartLeavingAsync(JobState job)
    {
        Assert.False(await admission.IsFreeAsync(Limited));
        return await Task.Run(() => Task.FromResult(admission.LeaveAsync(job)));
    }

    private sealed class FakeDirectory : IQueueDirectoryGrain
    {
        private int reads;

        public ImmutableDictionary<string, QueueSettings> Queues { get; set; } = ImmutableDictionary<string, QueueSettings>.Empty;
        public Exception? Failure { get; set; }
        /// <summary>When set, reads wait until it completes.</summary>
        public TaskCompletionSource? Gate { get; set; }
        public int Reads => Volatile.Read(ref reads);

        public async Task<ImmutableDictionary<string, QueueSettings>> GetAll()
        {
            Interlocked.Increment(ref reads);
            if (Gate is { } gate) await gate.Task;
            return Failure is { } failure ? throw failure : Queues;
        }

        public Task<QueueSettings> Configure(string queue, QueueSettings settings) => throw new NotSupportedException();
    }

    private sealed class FakeQueue : IQueueGrain
    {
        public bool Grants { get; set; }
        public int FailingReleases { get; set; }
        public List<QueueTicket> Tickets { get; } = [];
        /// <summary>The job of every attempt to give a slot back, failed or not.</summary>
        public List<string> Releases { get; } = [];

        public Task<bool> Acquire(QueueTicket ticket)
        {
            Tickets.Add(ticket);
            return Task.FromResult(Grants);
        }

        public Task Release(string jobId)
        {
            Releases.Add(jobId);
            return Releases.Count <= FailingReleases ? Task.FromException(new TimeoutException("queue unreachable")) : Task.CompletedTask;
        }

        public Task Apply(QueueSettings settings) => throw new NotSupportedException();

        public Task<QueueRuntime> GetRuntime() => throw new NotSupportedException();
    }
}
