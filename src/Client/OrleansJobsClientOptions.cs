using System.Text.Json;

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
