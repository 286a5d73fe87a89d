using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.TestApp;

/// <summary>The payload of the app's <c>greet</c> jobs: bound and validated at submit.</summary>
public sealed class GreetPayload
{
    [Required, StringLength(50, MinimumLength = 1)]
    public string? Name { get; set; }

    /// <summary>Progress steps, one every <see cref="StepMilliseconds"/>.</summary>
    [Range(1, 20)]
    public int Steps { get; set; } = 1;

    [Range(0, 5000)]
    public int StepMilliseconds { get; set; } = 50;
}
