using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Jobs;
using OrleansJobs.Retries;
using Xunit;

namespace OrleansJobs.Tests.Grains.Retries;

[Trait("Kind", "Unit")]
public sealed class BackoffPolicyTests
{
    private static readonly RetryPolicy Exact = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromHours(1), Multiplier = 2, Jitter = false,
    };

    [Fact]
    public void Delays_grow_exponentially_without_jitter()
    {
        var delays = Enumerable.Range(1, 6).Select(n => BackoffPolicy.ComputeDelay(Exact, n, 0.5).TotalSeconds);

        Assert.Equal(new double[] { 1, 2, 4, 8, 16, 32 }, delays);
    }

    [Fact]
    public void The_silos_own_retry_delays_grow_by_the_multiplier_up_to_the_cap_and_never_end()
    {
        var delays = BackoffPolicy.Delays(TimeSpan.FromMilliseconds(100), 5, TimeSpan.FromSeconds(2)).Take(5).Select(d => d.TotalMilliseconds);
        Assert.Equal(new double[] { 100, 500, 2000, 2000, 2000 }, delays);

        Assert.Equal(TimeSpan.FromSeconds(5), BackoffPolicy.Delays(TimeSpan.FromMilliseconds(200), 2, TimeSpan.FromSeconds(5)).Skip(5000).First());
    }

    [Fact]
    public void Delay_is_capped_at_max_delay()
    {
        var policy = Exact with { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(10) };

        Assert.Equal(TimeSpan.FromSeconds(8), BackoffPolicy.ComputeDelay(policy, 3, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), BackoffPolicy.ComputeDelay(policy, 4, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), BackoffPolicy.ComputeDelay(policy, 50, 0));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1_100)]
    [InlineData(int.MaxValue)]
    public void Huge_attempt_numbers_stay_at_the_cap(int failedAttempts)
    {
        Assert.Equal(Exact.MaxDelay, BackoffPolicy.ComputeDelay(Exact, failedAttempts, 0));
        Assert.Equal(TimeSpan.MaxValue, BackoffPolicy.ComputeDelay(Exact with { MaxDelay = TimeSpan.MaxValue }, failedAttempts, 0));

        var jittered = BackoffPolicy.ComputeDelay(Exact with { Jitter = true }, failedAttempts, 0.5);
        Assert.InRange(jittered, Exact.MaxDelay * 0.8, Exact.MaxDelay);
    }

    [Fact]
    public void Jitter_scales_the_delay_from_0_8_at_sample_0_to_just_under_1_2_near_sample_1()
    {
        var policy = Exact with { InitialDelay = TimeSpan.FromSeconds(10), Jitter = true };

        Assert.Equal(TimeSpan.FromSeconds(8), BackoffPolicy.ComputeDelay(policy, 1, 0));
        Assert.Equal(TimeSpan.FromSeconds(10), BackoffPolicy.ComputeDelay(policy, 1, 0.5));
        Assert.InRange(BackoffPolicy.ComputeDelay(policy, 1, 0.999_999), TimeSpan.FromSeconds(11.9999), TimeSpan.FromSeconds(12) - TimeSpan.FromTicks(1));
    }

    [Fact]
    public void Jitter_above_the_cap_is_capped_again()
    {
        var policy = Exact with { InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(10), Jitter = true };

        Assert.Equal(TimeSpan.FromSeconds(10), BackoffPolicy.ComputeDelay(policy, 1, 0.99));
        Assert.Equal(TimeSpan.FromSeconds(8), BackoffPolicy.ComputeDelay(policy, 1, 0));
    }

    [Fact]
    public void Multiplier_one_keeps_the_delay_constant()
    {
        var policy = Exact with { InitialDelay = TimeSpan.FromSeconds(3), Multiplier = 1 };

        Assert.All(new[] { 1, 2, 10, int.MaxValue }, n => Assert.Equal(TimeSpan.FromSeconds(3), BackoffPolicy.ComputeDelay(policy, n, 0)));
    }

    [Fact]
    public void Zero_initial_delay_retries_at_once_even_after_many_attempts()
    {
        var policy = Exact with { InitialDelay = TimeSpan.Zero, Jitter = true };

        Assert.All(new[] { 1, 2, int.MaxValue }, n => Assert.Equal(TimeSpan.Zero, BackoffPolicy.ComputeDelay(policy, n, 0.7)));
    }

    [Fact]
    public void Delay_is_never_negative()
    {
        Assert.Equal(TimeSpan.Zero, BackoffPolicy.ComputeDelay(Exact with { InitialDelay = TimeSpan.FromSeconds(-5) }, 1, 0));
        Assert.Equal(TimeSpan.Zero, BackoffPolicy.ComputeDelay(Exact with { MaxDelay = TimeSpan.FromSeconds(-5) }, 1, 0));
        Assert.Equal(TimeSpan.Zero, BackoffPolicy.ComputeDelay(Exact with { Multiplier = -2 }, 2, 0));
    }

    [Fact]
    public void Out_of_range_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffPolicy.ComputeDelay(Exact, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffPolicy.ComputeDelay(Exact, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffPolicy.ComputeDelay(Exact, 1, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffPolicy.ComputeDelay(Exact, 1, double.NaN));
    }

    [Fact]
    public void Next_attempt_is_due_the_delay_after_now()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(time.GetUtcNow().AddSeconds(4), BackoffPolicy.NextAttemptAt(Exact, 3, time.GetUtcNow(), new Random(1)));

        var jittered = BackoffPolicy.NextAttemptAt(Exact with { Jitter = true }, 3, time.GetUtcNow(), new Random(1));
        Assert.InRange(jittered, time.GetUtcNow().AddSeconds(3.2), time.GetUtcNow().AddSeconds(4.8));
    }

    [Fact]
    public void Next_attempt_beyond_the_calendar_is_the_last_representable_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(DateTimeOffset.MaxValue, BackoffPolicy.NextAttemptAt(Exact with { MaxDelay = TimeSpan.MaxValue }, 200, time.GetUtcNow(), new Random(1)));
    }

    [Theory]
    [InlineData(1, 3, true, true)]
    [InlineData(2, 3, true, true)]
    [InlineData(3, 3, true, false)]
    [InlineData(4, 3, true, false)]
    [InlineData(1, 1, true, false)]
    [InlineData(1, 3, false, false)]
    public void Retries_only_retryable_failures_with_attempts_left(int countedAttempts, int maxAttempts, bool retryable, bool expected) =>
        Assert.Equal(expected, BackoffPolicy.ShouldRetry(countedAttempts, maxAttempts, retryable));
}
