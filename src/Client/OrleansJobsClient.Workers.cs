using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansJobs.Client;

// The worker's side of OrleansJobsClient: a .NET worker outside the cluster leases jobs of external types over HTTP
// (the README's "Workers in any language"), kept in a file of its own beside the caller's side.
public sealed partial class OrleansJobsClient
{
    /// <inheritdoc />
    public Task RunWorkerAsync(OrleansJobsWorkerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (OrleansJobsWorkerOptionsValidator.Check(options).FirstOrDefault() is { } failure)
            throw new ArgumentException(failure, nameof(options));
        var logger = Loggers?.CreateLogger(WorkerLogCategory) ?? NullLogger.Instance;
        return new WorkerLoop(this, options, _time, logger).RunAsync(cancellationToken);
    }

    /// <summary>The category of the worker's log messages.</summary>
    internal const string WorkerLogCategory = "OrleansJobs.Client.Worker";

    /// <summary>Where a worker logs; a client made by dependency injection has the container's, one made with <c>new</c> none.</summary>
    internal ILoggerFactory? Loggers { get; init; }

    /// <summary><c>POST /api/workers/lease</c>: up to <paramref name="max"/> jobs, waiting up to <paramref name="wait"/> for the first.</summary>
    internal async Task<IReadOnlyList<JobLease>> LeaseAsync(
        string worker, IReadOnlyCollection<string> types, int max, TimeSpan wait, TimeSpan lease, CancellationToken cancellationToken)
    {
        var body = new LeaseBody(worker, types, max, Milliseconds(wait), Milliseconds(lease));
        var answer = await SendAsync<LeaseAnswer>(HttpMethod.Post, "api/workers/lease", jobId: null,
            request => request.Content = JsonContent.Create(body, options: ApiJson), cancellationToken).ConfigureAwait(false);
        return answer.Jobs;
    }

    /// <summary>A heartbeat: progress when given, the lease extended by <paramref name="extend"/> when given.</summary>
    internal Task<WorkerHeartbeat> HeartbeatAsync(JobLease lease, double? percent, string? message, TimeSpan? extend, CancellationToken cancellationToken) =>
        SendAsync<WorkerHeartbeat>(HttpMethod.Post, LeasePath(lease, "heartbeat"), lease.Id,
            request => request.Content = JsonContent.Create(new HeartbeatBody(percent, message, extend is { } e ? Milliseconds(e) : null), options: ApiJson),
            cancellationToken);

    /// <summary>Ends the leased attempt as succeeded with <paramref name="result"/>.</summary>
    internal async Task CompleteAsync(JobLease lease, JsonElement? result, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(HttpMethod.Post, LeasePath(lease, "complete"), lease.Id,
            request => request.Content = JsonContent.Create(new CompleteBody(result), options: ApiJson), cancellationToken, scheduleName: null).ConfigureAwait(false);
    }

    /// <summary>Ends the leased attempt as failed; a retryable failure is retried under the job's policy.</summary>
    internal async Task FailAsync(JobLease lease, string error, bool retryable, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(HttpMethod.Post, LeasePath(lease, "fail"), lease.Id,
            request => request.Content = JsonContent.Create(new FailBody(error, retryable), options: ApiJson), cancellationToken, scheduleName: null).ConfigureAwait(false);
    }

    /// <summary>A handler's result as the worker sends it: JSON by <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>.</summary>
    internal JsonElement? SerializeResult(object? result) =>
        result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), _options.PayloadSerializerOptions);

    /// <summary>Reads a payload the way the client writes one.</summary>
    internal JsonSerializerOptions PayloadOptions => _options.PayloadSerializerOptions;

    private static string LeasePath(JobLease lease, string action) =>
        $"{JobPath(lease.Id)}/lease/{Uri.EscapeDataString(lease.LeaseId)}/{action}";

    private static string Milliseconds(TimeSpan duration) =>
        ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    private sealed record LeaseBody(string Worker, IReadOnlyCollection<string> Types, int Max, string Wait, string Lease);

    private sealed record LeaseAnswer(IReadOnlyList<JobLease> Jobs);

    private sealed record HeartbeatBody(double? Percent, string? Message, string? Extend);

    private sealed record CompleteBody(JsonElement? Result);

    private sealed record FailBody(string Error, bool Retryable);
}
