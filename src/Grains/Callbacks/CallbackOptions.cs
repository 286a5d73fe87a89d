using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Callbacks;

/// <summary>Settings of completion callbacks, from the configuration section <c>OrleansJobs:Callbacks</c>.</summary>
public sealed class CallbackOptions
{
    public const string SectionName = "OrleansJobs:Callbacks";

    /// <summary>
    /// Key of the <see cref="CallbackSignature.HeaderName"/> HMAC, shared with the receivers. Unset = callbacks are sent
    /// unsigned (the silo warns at start).
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>Deliveries tried before a callback is given up (logged as an error).</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 10;

    /// <summary>How long one delivery may take, from sending the request to reading the answer's headers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after the first failed delivery; it doubles after each further one, up to <see cref="MaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")] public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two deliveries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")] public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The backoff between deliveries, for <see cref="Retries.BackoffPolicy"/>: doubling, with jitter so that callbacks to a receiver that was down do not all return at once.</summary>
    public RetryPolicy Backoff => new() { InitialDelay = InitialDelay, MaxDelay = MaxDelay, Multiplier = 2, Jitter = true };
}
