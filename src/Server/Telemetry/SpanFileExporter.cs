using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Server.Telemetry;

/// <summary>
/// Appends finished spans of OrleansJobs, of its HTTP server (the submit requests, parents of the attempts) and of
/// Orleans (grain calls and activations inside a trace) to a file, one JSON object a line (<c>OrleansJobs:Telemetry:SpanFile</c>): a look at traces without a collector. Each
/// span is written as it ends, so a process killed afterwards keeps it.
/// </summary>
public sealed class SpanFileExporter : BaseExporter<Activity>
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly StreamWriter _writer;

    public SpanFileExporter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (_writer)
        {
            foreach (var span in batch)
            {
                var source = span.Source.Name;
                if (source is not (JobTelemetry.Name or AspNetCoreSource) && Array.IndexOf(BackgroundGrainCallFilter.Sources, source) < 0) continue;
                _writer.WriteLine(JsonSerializer.Serialize(new
                {
                    traceId = span.TraceId.ToHexString(),
                    spanId = span.SpanId.ToHexString(),
                    parentSpanId = span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString(),
                    name = span.DisplayName,
                    source,
                    kind = span.Kind.ToString(),
                    start = new DateTimeOffset(span.StartTimeUtc, TimeSpan.Zero),
                    end = new DateTimeOffset(span.StartTimeUtc + span.Duration, TimeSpan.Zero),
                    status = span.Status.ToString(),
                    statusDescription = span.StatusDescription,
                    tags = span.TagObjects.ToDictionary(t => t.Key, t => t.Value?.ToString()),
                    events = span.Events.Select(e => new { name = e.Name, at = e.Timestamp, tags = e.Tags.ToDictionary(t => t.Key, t => t.Value?.ToString()) }),
                }));
            }
        }
        return ExportResult.Success;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        lock (_writer) _writer.Dispose();
        return true;
    }
}
