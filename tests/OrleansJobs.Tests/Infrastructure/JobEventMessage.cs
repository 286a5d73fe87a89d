using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The hub message, as a SignalR client receives it.</summary>
public sealed record JobEventMessage(string JobId, long Sequence, string Kind, string Status, double? Percent, string? Message, DateTimeOffset At);
