using Microsoft.Extensions.Options;

namespace OrleansJobs.Client;

/// <summary>Checks <see cref="OrleansJobsWorkerOptions"/> before a worker starts, so that a misconfigured worker fails at once.</summary>
internal sealed class OrleansJobsWorkerOptionsValidator : IValidateOptions<OrleansJobsWorkerOptions>
{
    private static readonly TimeSpan MinLease = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxLease = TimeSpan.FromHours(1);
    private const int MaxNameLength = 200;
    private const int MaxTypes = 50;

    public ValidateOptionsResult Validate(string? name, OrleansJobsWorkerOptions options)
    {
        var failures = Check(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static IEnumerable<string> Check(OrleansJobsWorkerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > MaxNameLength)
            yield return $"{nameof(options.Name)} must be 1 to {MaxNameLength} characters.";
        if (options.Handlers.Count == 0)
            yield return $"The worker has no job types: register a handler with {nameof(options.Handle)}.";
        if (options.Handlers.Count > MaxTypes)
            yield return $"The worker runs {options.Handlers.Count} job types; a lease request names at most {MaxTypes}.";
        if (options.MaxConcurrentJobs < 1 || options.MaxConcurrentJobs > OrleansJobsWorkerOptions.MaxConcurrentJobsLimit)
            yield return $"{nameof(options.MaxConcurrentJobs)} must be from 1 to {OrleansJobsWorkerOptions.MaxConcurrentJobsLimit}, not {options.MaxConcurrentJobs}.";
        if (options.LeaseDuration < MinLease || options.LeaseDuration > MaxLease)
            yield return $"{nameof(options.LeaseDuration)} must be from {MinLease} to {MaxLease}, not {options.LeaseDuration}.";
        var heartbeat = options.EffectiveHeartbeatInterval;
        if (heartbeat <= TimeSpan.Zero || heartbeat >= options.LeaseDuration)
            yield return $"{nameof(options.HeartbeatInterval)} must be longer than zero and shorter than {nameof(options.LeaseDuration)} ({options.LeaseDuration}), not {heartbeat}.";
        if (options.PollWait < TimeSpan.FromSeconds(1) || options.PollWait > OrleansJobsClientOptionsValidator.MaxLongPollWait)
            yield return $"{nameof(options.PollWait)} must be from 1 to {OrleansJobsClientOptionsValidator.MaxLongPollWait.TotalSeconds} seconds, not {options.PollWait}.";
        if (options.StopTimeout < TimeSpan.Zero)
            yield return $"{nameof(options.StopTimeout)} must not be negative, not {options.StopTimeout}.";
    }
}
