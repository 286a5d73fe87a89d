using System.Globalization;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>A silo process's Prometheus endpoint as tests read it.</summary>
public static class MetricsScrape
{
    /// <summary>GET /metrics parsed into series ("name{label=value,…}" with labels sorted, quotes dropped) and values.</summary>
    public static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var series = new Dictionary<string, double>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var split = line.LastIndexOf(' ');
            series[line[..split]] = double.Parse(line[(split + 1)..], CultureInfo.InvariantCulture);
        }
        return series;
    }

    /// <summary>The sum over every series of the metric <paramref name="filter"/> names whose labels include the filter's.</summary>
    public static double Sum(Dictionary<string, double> scrape, string filter)
    {
        var (name, wanted) = Split(filter);
        return scrape.Where(s =>
        {
            var (seriesName, labels) = Split(s.Key);
            return seriesName == name && wanted.All(w => labels.TryGetValue(w.Key, out var v) && v == w.Value);
        }).Sum(s => s.Value);
    }

    public static (string Name, Dictionary<string, string> Labels) Split(string series)
    {
        var brace = series.IndexOf('{');
        if (brace < 0) return (series, []);
        var labels = series[(brace + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('"'));
        return (series[..brace], labels);
    }
}
