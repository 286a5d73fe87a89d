using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Deployment;

/// <summary>The Grafana dashboard under deploy/, and the metric names its queries read.</summary>
public static class GrafanaDashboard
{
    public static string Path => System.IO.Path.Combine(Tools.RepositoryRoot, "deploy", "grafana", "dashboards", "orleansjobs.json");

    /// <summary>Every metric name in the dashboard's PromQL expressions (histogram series by their base name).</summary>
    public static IReadOnlySet<string> MetricNames()
    {
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(panel => panel.TryGetProperty("targets", out _))
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!);
        return expressions
            .SelectMany(expr => System.Text.RegularExpressions.Regex.Matches(expr, @"\b(?:orleansjobs|orleans|http_server|dotnet)_[a-z_]+\b").Select(m => m.Value))
            .ToHashSet();
    }
}
