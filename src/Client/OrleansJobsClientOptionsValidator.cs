using Microsoft.Extensions.Options;

namespace OrleansJobs.Client;

/// <summary>Checks <see cref="OrleansJobsClientOptions"/> when the host starts, so that a misconfigured client fails early.</summary>
internal sealed class OrleansJobsClientOptionsValidator : IValidateOptions<OrleansJobsClientOptions>
{
    public static readonly TimeSpan MaxLongPollWait = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, OrleansJobsClientOptions options)
    {
        var failures = new List<string>();
        if (options.BaseAddress is null)
            failures.Add($"{nameof(options.BaseAddress)} is required: the absolute http or https address of the OrleansJobs service.");
        else if (!options.BaseAddress.IsAbsoluteUri || options.BaseAddress.Scheme is not ("http" or "https"))
            failures.Add($"{nameof(options.BaseAddress)} '{options.BaseAddress}' must be an absolute http or https address.");
        failures.AddRange(CheckSettings(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The checks that hold however the client was made.</summary>
    public static IEnumerable<string> CheckSettings(OrleansJobsClientOptions options)
    {
        if (options.LongPollWait < TimeSpan.FromSeconds(1) || options.LongPollWait > MaxLongPollWait)
            yield return $"{nameof(options.LongPollWait)} must be from 1 to {MaxLongPollWait.TotalSeconds} seconds, not {options.LongPollWait}.";
        if (options.MinPollInterval <= TimeSpan.Zero)
            yield return $"{nameof(options.MinPollInterval)} must be longer than zero, not {options.MinPollInterval}.";
        if (options.MaxPollInterval < options.MinPollInterval)
            yield return $"{nameof(options.MaxPollInterval)} ({options.MaxPollInterval}) must be at least {nameof(options.MinPollInterval)} ({options.MinPollInterval}).";
        if (string.IsNullOrWhiteSpace(options.HubPath) || !Uri.IsWellFormedUriString(options.HubPath, UriKind.Relative))
            yield return $"{nameof(options.HubPath)} '{options.HubPath}' must be a path relative to {nameof(options.BaseAddress)}, such as 'hubs/jobs'.";
    }
}
