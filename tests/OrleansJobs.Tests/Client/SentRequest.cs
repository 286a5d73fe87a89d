using System.Collections.Concurrent;

namespace OrleansJobs.Tests.Client;

/// <summary>What the client sent: one request as a handler saw it.</summary>
public sealed record SentRequest(HttpMethod Method, Uri Uri, string? IdempotencyKey, string? ApiKey);
