using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Client;

/// <summary>Where the OrleansJobs service is and how the client talks to it.</summary>
public sealed class OrleansJobsClientOptions
{
    /// <summary>The configuration section <c>AddOrleansJobsClient(configuration)</c> reads by convention: <c>OrleansJobs:Client</c>.</summary>
    public const string Section = "OrleansJobs:Client";

    /// <summary>
    /// The service's absolute http or https address, such as <c>http://localhost:5000/</c>. Required when the client is
    /// registered with dependency injection; when it is made with <c>new</c>, the <see cref="HttpClient.BaseAddress"/> is used if this is null.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Sent in the <c>X-Api-Key</c> header of every request when set: the service needs one when it is configured with API keys.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The longest a single submit-and-wait request asks the service to hold on to it (<c>?wait=</c>) before the client
    /// asks again; 1 to 30 seconds, 20 by default.
    /// </summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The first pause between reads while <c>WaitForCompletionAsync</c> polls; it doubles up to <see cref="MaxPollInterval"/>. 250 ms by default.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest pause between reads while <c>WaitForCompletionAsync</c> polls; 5 seconds by default.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where the service's SignalR hub is, relative to <see cref="BaseAddress"/>: <c>hubs/jobs</c> unless a proxy maps it
    /// elsewhere. <c>WatchAsync</c> connects to it; <c>WaitForCompletionAsync</c> too, polling when it cannot.
    /// </summary>
    public string HubPath { get; set; } = "hubs/jobs";

    /// <summary>How job payloads are serialized; the web defaults (camelCase) unless set.</summary>
    public JsonSerializerOptions PayloadSerializerOptions { get; set; } = JsonSerializerOptions.Web;
}

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
