using System.Diagnostics;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Waits for a condition to hold, so tests wait for outcomes rather than for guessed durations.</summary>
public static class Eventually
{
    /// <summary>
    /// Evaluates <paramref name="condition"/> every <paramref name="pollInterval"/> until it returns true,
    /// and once more at the deadline; throws <see cref="TimeoutException"/> with <paramref name="message"/>
    /// if it never does. Exceptions from the condition propagate at once: catch the expected ones inside it.
    /// </summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan pollInterval, string message)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{message} (still not true after {clock.Elapsed.TotalSeconds:0.0} s)");
            }

            await Task.Delay(remaining < pollInterval ? remaining : pollInterval, TestContext.Current.CancellationToken);
        }
    }
}
