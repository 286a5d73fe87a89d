using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansJobs.Handlers;
using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>Builds the <see cref="JobContext"/> a grain would hand a handler.</summary>
internal static class TestJobs
{
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    public static JobContext Context(
        string type, string? payloadJson, int attempt = 1, IJobProgressReporter? progress = null, string? correlationId = null,
        CancellationToken? cancellationToken = null) => new()
    {
        JobId = JobIds.New(),
        Type = type,
        PayloadJson = payloadJson,
        Attempt = attempt,
        MaxAttempts = 3,
        CorrelationId = correlationId,
        Progress = progress ?? new RecordingProgress(),
        Logger = NullLogger.Instance,
        Services = NoServices,
        CancellationToken = cancellationToken ?? TestContext.Current.CancellationToken,
    };
}
