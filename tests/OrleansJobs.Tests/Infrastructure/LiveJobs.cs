using OrleansJobs.Client;
using JobStatus = OrleansJobs.Client.JobStatus;

namespace OrleansJobs.Tests.Infrastructure;

internal static class LiveJobs
{
    /// <summary>
    /// A <c>delay</c> job of <paramref name="steps"/> progress reports over <paramref name="duration"/>, starting a moment
    /// after the submit, so that a watch begun right after it sees the job from before its first report.
    /// </summary>
    public static Task<JobInfo> SubmitDelayAsync(IOrleansJobsClient client, string duration = "00:00:02", int steps = 10) =>
        client.SubmitAsync("delay", new DelayPayload(duration, steps), new SubmitOptions { Delay = TimeSpan.FromSeconds(1.5) },
            TestContext.Current.CancellationToken);

    /// <summary>
    /// The watch of a whole run: the first event is the state when watching began, every later one follows the one before
    /// it by exactly one sequence (no gap, no repeat), the progress reports are all there in order, and it ends with success.
    /// </summary>
    public static void AssertWholeRun(IReadOnlyList<JobEvent> events, int steps)
    {
        Assert.True(events.Count > steps, $"only {events.Count} events: {string.Join(", ", events)}");
        for (var i = 1; i < events.Count; i++)
            Assert.True(events[i].Sequence == events[i - 1].Sequence + 1, $"event {i} has sequence {events[i].Sequence} after {events[i - 1].Sequence}");
        var progress = events.Where(e => e.Kind == JobEventKind.Progress).ToList();
        Assert.Equal(Enumerable.Range(1, steps).Select(i => 100.0 * i / steps), progress.Select(e => e.Percent!.Value));
        Assert.All(progress, e => Assert.Equal(JobStatus.Running, e.Status));
        Assert.All(events.SkipLast(1), e => Assert.False(e.Status.IsTerminal(), $"{e} is terminal but not last"));
        var last = events[^1];
        Assert.Equal(JobEventKind.Status, last.Kind);
        Assert.Equal(JobStatus.Succeeded, last.Status);
        Assert.True(last.IsFinal);
    }
}
