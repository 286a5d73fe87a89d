using System.Diagnostics;

namespace OrleansJobs.Jobs;

/// <summary>Reads a W3C <c>traceparent</c> value. Pure: no span is made or touched.</summary>
public static class TraceParent
{
    /// <summary>The W3C trace id of a <c>traceparent</c> value (version 00: 55 characters), or null.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;
}
