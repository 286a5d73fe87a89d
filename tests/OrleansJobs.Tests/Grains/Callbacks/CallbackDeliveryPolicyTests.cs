using OrleansJobs.Callbacks;
using OrleansJobs.Retries;

namespace OrleansJobs.Tests.Grains.Callbacks;

[Trait("Kind", "Unit")]
public sealed class CallbackDeliveryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly CallbackOptions Defaults = new();

    [Fact]
    public void Deliveries_back_off_doubling_from_one_second_up_to_five_minutes()
    {
        // A jitter sample of 0.5 is the factor 1: the schedule without its spread.
        var delays = Enumerable.Range(1, 11).Select(failures => BackoffPolicy.ComputeDelay(Defaults.Backoff, failures, 0.5).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300], delays);
    }

    [Fact]
    public void Backoff_is_spread_by_jitter_within_a_fifth_either_way()
    {
        Assert.Equal(TimeSpan.FromSeconds(0.8), BackoffPolicy.ComputeDelay(Defaults.Backoff, 1, 0));
        Assert.InRange(BackoffPolicy.ComputeDelay(Defaults.Backoff, 1, 0.999999), TimeSpan.FromSeconds(1.19), TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public void Transient_failure_keeps_the_callback_pending_until_after_the_backoff()
    {
        var callback = Pending();

        Record(callback, attempt: 1, DeliveryResult.Failure("answered 503", retryable: true));

        Assert.Equal(CallbackStatus.Pending, callback.Status);
        Assert.Equal(1, callback.Attempts);
        Assert.Equal("answered 503", callback.LastError);
        Assert.InRange(callback.NextAttemptAt!.Value, Now.AddSeconds(0.8), Now.AddSeconds(1.2));
        Assert.NotNull(callback.Body);
    }

    [Fact]
    public void Transient_failure_of_the_last_allowed_delivery_gives_the_callback_up()
    {
        var callback = Pending();

        Record(callback, attempt: Defaults.MaxAttempts, DeliveryResult.Failure("answered 503", retryable: true));

        AssertSettled(callback, CallbackStatus.GivenUp);
        Assert.Equal(Defaults.MaxAttempts, callback.Attempts);
        Assert.Equal("answered 503", callback.LastError);
    }

    [Fact]
    public void Refused_delivery_gives_the_callback_up_at_once()
    {
        var callback = Pending();

        Record(callback, attempt: 1, DeliveryResult.Failure("answered 404", retryable: false));

        AssertSettled(callback, CallbackStatus.GivenUp);
    }

    [Fact]
    public void Successful_delivery_settles_the_callback_and_drops_its_body()
    {
        var callback = Pending();
        callback.LastError = "answered 503";

        Record(callback, attempt: 2, DeliveryResult.Success);

        AssertSettled(callback, CallbackStatus.Delivered);
        Assert.Equal(2, callback.Attempts);
        Assert.Null(callback.LastError);
    }

    private static CallbackState Pending() =>
        new() { Status = CallbackStatus.Pending, Url = "http://127.0.0.1/hook", Body = "{}", Sequence = 3, NextAttemptAt = Now };

    private static void Record(CallbackState callback, int attempt, DeliveryResult result) =>
        CallbackDeliveryPolicy.Record(callback, attempt, result, Defaults.MaxAttempts, Defaults.Backoff, Now, new Random(1));

    private static void AssertSettled(CallbackState callback, CallbackStatus status)
    {
        Assert.Equal(status, callback.Status);
        Assert.Equal(Now, callback.SettledAt);
        Assert.Null(callback.NextAttemptAt);
        Assert.Null(callback.Body);
    }
}
