using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Callbacks;

/// <summary>Settings of completion callbacks, from the configuration section <c>OrleansJobs:Callbacks</c>.</summary>
public sealed class CallbackOptions : IValidatableObject
{
    public const string SectionName = "OrleansJobs:Callbacks";

    /// <summary>The shortest secret taken, in UTF-8 bytes: the 256 bits of the HMAC-SHA256 key.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>
    /// Key of the <see cref="CallbackSignature.HeaderName"/> HMAC, shared with the receivers; at least
    /// <see cref="MinSecretBytes"/> bytes. Unset = callbacks are sent unsigned (the silo warns at start).
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// The secret being rotated out: while set, every callback carries a signature with each secret, so receivers can
    /// move to the new one at their own pace. Remove it once they all have.
    /// </summary>
    public string? PreviousSigningSecret { get; set; }

    /// <summary>The secrets callbacks are signed with: the current one, then the previous one; none when unsigned.</summary>
    public IReadOnlyList<string> ActiveSecrets =>
        string.IsNullOrEmpty(SigningSecret) ? [] : string.IsNullOrEmpty(PreviousSigningSecret) ? [SigningSecret] : [SigningSecret, PreviousSigningSecret];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, secret) in new[] { (nameof(SigningSecret), SigningSecret), (nameof(PreviousSigningSecret), PreviousSigningSecret) })
            if (!string.IsNullOrEmpty(secret) && System.Text.Encoding.UTF8.GetByteCount(secret) < MinSecretBytes)
                yield return new ValidationResult($"{SectionName}:{name} must be at least {MinSecretBytes} bytes (such as 64 random hex digits).", [name]);
        if (!string.IsNullOrEmpty(PreviousSigningSecret) && string.IsNullOrEmpty(SigningSecret))
            yield return new ValidationResult($"{SectionName}:PreviousSigningSecret is only used beside a SigningSecret.", [nameof(PreviousSigningSecret)]);
    }

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
