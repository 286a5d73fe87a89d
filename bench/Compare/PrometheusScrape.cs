using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>One scrape of a silo's <c>GET /metrics</c> (Prometheus text format): series name, labels and value.</summary>
public sealed class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _series = [];

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var split = line.LastIndexOf(' ');
            if (split < 0 || !double.TryParse(line[(split + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            var series = line[..split];
            var brace = series.IndexOf('{');
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                // Label values here hold no commas or quotes (routes, methods, numbers), so a plain split will do.
                foreach (var pair in series[(brace + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var parts = pair.Split('=', 2);
                    if (parts.Length == 2) labels[parts[0]] = parts[1].Trim('"');
                }
                series = series[..brace];
            }
            scrape._series.Add((series, labels, value));
        }
        return scrape;
    }

    /// <summary>
    /// The <paramref name="quantile"/> of what histogram <paramref name="name"/> recorded between <paramref name="before"/>
    /// and <paramref name="after"/>, over the series <paramref name="where"/> accepts, interpolated inside its bucket the way
    /// Prometheus' <c>histogram_quantile</c> does; NaN when nothing was recorded. Returns the observations counted too.
    /// </summary>
    public static (double Value, double Count) Quantile(PrometheusScrape before, PrometheusScrape after, string name, double quantile,
        Func<IReadOnlyDictionary<string, string>, bool> where)
    {
        var deltas = Deltas(before, after, name, where);
        var total = deltas.Count == 0 ? 0 : deltas[^1].Count;
        if (total <= 0) return (double.NaN, 0);
        var rank = quantile * total;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in deltas)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return (lower, total);
                return (lower + (le - lower) * (count == below ? 1 : (rank - below) / (count - below)), total);
            }
            (lower, below) = (le, count);
        }
        return (lower, total);
    }

    /// <summary>
    /// The upper bound of the highest bucket that histogram <paramref name="name"/> filled between two scrapes: the slowest
    /// observation was at most this. A p99 over batches underweights a stall (one slow batch carries many writes); this does not.
    /// </summary>
    public static double Max(PrometheusScrape before, PrometheusScrape after, string name, Func<IReadOnlyDictionary<string, string>, bool> where)
    {
        var deltas = Deltas(before, after, name, where);
        if (deltas.Count == 0 || deltas[^1].Count <= 0) return double.NaN;
        return deltas.First(b => b.Count >= deltas[^1].Count).Le;
    }

    /// <summary>How much the series of <paramref name="name"/> that <paramref name="where"/> accepts grew between two scrapes.</summary>
    public static double Delta(PrometheusScrape before, PrometheusScrape after, string name, Func<IReadOnlyDictionary<string, string>, bool> where) =>
        after.Total(name, where) - before.Total(name, where);

    private double Total(string name, Func<IReadOnlyDictionary<string, string>, bool> where) =>
        _series.Where(s => s.Name == name && where(s.Labels)).Sum(s => s.Value);

    /// <summary>What each cumulative bucket of histogram <paramref name="name"/> gained between two scrapes, by upper bound, lowest first.</summary>
    private static List<(double Le, double Count)> Deltas(PrometheusScrape before, PrometheusScrape after, string name,
        Func<IReadOnlyDictionary<string, string>, bool> where)
    {
        var earlier = before.Buckets(name, where);
        return after.Buckets(name, where).Select(b => (Le: b.Key, Count: b.Value - earlier.GetValueOrDefault(b.Key))).OrderBy(b => b.Le).ToList();
    }

    /// <summary>Cumulative bucket counts by upper bound, summed over the matching series.</summary>
    private Dictionary<double, double> Buckets(string name, Func<IReadOnlyDictionary<string, string>, bool> where)
    {
        var buckets = new Dictionary<double, double>();
        foreach (var (series, labels, value) in _series)
        {
            if (series != name + "_bucket" || !labels.TryGetValue("le", out var le) || !where(labels)) continue;
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }
        return buckets;
    }
}
