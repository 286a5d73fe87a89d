using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The payload of the test host's <c>greet</c> jobs: one required member, one with a range, one enum.</summary>
public sealed record GreetingPayload
{
    [Required, StringLength(40)]
    public string? Name { get; init; }

    [Range(1, 3)]
    public int Times { get; init; } = 1;

    public GreetingTone Tone { get; init; }
}
