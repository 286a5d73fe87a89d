using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansJobs.Handlers;
using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

internal sealed class RecordingProgress : IJobProgressReporter
{
    private readonly ConcurrentQueue<(double? Percent, string? Message)> reports = new();

    public IReadOnlyList<(double? Percent, string? Message)> Reports => [.. reports];

    public void Report(double? percent, string? message = null) => reports.Enqueue((percent, message));
}
