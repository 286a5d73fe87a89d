using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Handlers;

/// <summary>
/// A string member of a payload holds a duration as the API writes them (<see cref="DurationParser"/>: <c>"00:00:30"</c>,
/// <c>"PT30S"</c>, <c>"30s"</c>), optionally longer than zero and up to <see cref="Maximum"/>. Null passes: pair it with
/// <c>[Required]</c> when the member must be there.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class DurationAttribute : ValidationAttribute
{
    /// <summary>The longest duration allowed, written as a payload would (<c>"1.00:00:00"</c>, <c>"P1D"</c>); none when null.</summary>
    public string? Maximum { get; set; }

    /// <summary>Whether a zero duration passes; true unless set.</summary>
    public bool AllowZero { get; set; } = true;

    public override bool IsValid(object? value) =>
        value is null
        || value is string text && DurationParser.TryParse(text, out var duration)
           && (AllowZero || duration > TimeSpan.Zero) && (Limit() is not { } limit || duration <= limit);

    public override string FormatErrorMessage(string name) =>
        $"Expected a duration{(AllowZero ? "" : " longer than zero")}{(Limit() is { } limit ? $" up to {limit:c}" : "")}, such as \"00:00:30\", \"PT30S\" or \"30s\".";

    private TimeSpan? Limit() =>
        Maximum is null ? null
        : DurationParser.TryParse(Maximum, out var limit) ? limit
        : throw new InvalidOperationException($"[Duration(Maximum = \"{Maximum}\")] is not a duration.");
}
