namespace OrleansJobs.Server.WebConsole;

/// <summary>The console's settings, from <c>OrleansJobs:Console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "OrleansJobs:Console";

    /// <summary>
    /// A link to a tracing UI with <c>{traceId}</c> where the trace id goes (a Jaeger example:
    /// <c>https://jaeger.example/trace/{traceId}</c>); when unset, the job page shows the trace id as text.
    /// </summary>
    public string? TraceUrl { get; set; }
}
