using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>The printed result: one row per figure, one column per system, the ratio, and the product's target.</summary>
public sealed class ResultTable
{
    public const string OrleansJobs = "OrleansJobs";
    public const string HangfireDefault = "Hangfire (default polling)";
    public const string HangfireTuned = "Hangfire (polling 1 s)";
    private static readonly string[] Columns = [OrleansJobs, HangfireDefault, HangfireTuned];

    private readonly List<Row> _rows = [];

    public void Set(string workload, string figure, string column, Cell cell, Better? better = null) =>
        RowOf(workload, figure, better).Cells[column] = cell;

    public double? Value(string workload, string figure, string column) =>
        _rows.FirstOrDefault(r => r.Workload == workload && r.Figure == figure)?.Cells.GetValueOrDefault(column)?.Value;


    public string? Text(string workload, string figure, string column) =>
        _rows.FirstOrDefault(r => r.Workload == workload && r.Figure == figure)?.Cells.GetValueOrDefault(column)?.Text;

    /// <summary>Hangfire's better figure of its two configurations: the one OrleansJobs is compared with.</summary>
    public double? BestHangfire(string workload, string figure)
    {
        var row = _rows.FirstOrDefault(r => r.Workload == workload && r.Figure == figure);
        return row is null ? null : Best(row);
    }

    private static double? Best(Row row)
    {
        var values = new[] { HangfireDefault, HangfireTuned }.Select(c => row.Cells.GetValueOrDefault(c)?.Value).OfType<double>().ToList();
        if (values.Count == 0 || row.Better is null) return null;
        return row.Better == Better.Higher ? values.Max() : values.Min();
    }

    /// <summary>States the target of a figure and whether this run met it (null: no number to judge).</summary>
    public void Target(string workload, string figure, string target, bool? met)
    {
        if (_rows.FirstOrDefault(r => r.Workload == workload && r.Figure == figure) is not { } row) return; // not run
        row.Target = target;
        row.Met = met;
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"| id | figure | {string.Join(" | ", Columns)} | OrleansJobs vs best Hangfire | target | met |");
        output.WriteLine($"| --- | --- |{string.Concat(Enumerable.Repeat(" ---: |", Columns.Length))} --- | --- | --- |");
        foreach (var row in _rows.OrderBy(r => r.Workload, StringComparer.Ordinal))
        {
            var cells = Columns.Select(c => row.Cells.GetValueOrDefault(c)?.Text ?? "");
            var met = row.Met switch { true => "yes", false => "**no**", null when row.Target is not null => "n/a", _ => "" };
            output.WriteLine($"| {row.Workload} | {row.Figure} | {string.Join(" | ", cells)} | {Ratio(row)} | {row.Target} | {met} |");
        }
    }

    private static string Ratio(Row row)
    {
        if (row.Better is not { } better || row.Cells.GetValueOrDefault(OrleansJobs)?.Value is not { } ours || Best(row) is not { } best) return "";
        var times = better == Better.Higher ? ours / best : best / ours;
        if (double.IsNaN(times) || double.IsInfinity(times) || times <= 0) return "";
        return times >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{times:N1}× better")
            : string.Create(CultureInfo.InvariantCulture, $"{1 / times:N1}× worse");
    }

    private Row RowOf(string workload, string figure, Better? better)
    {
        var row = _rows.FirstOrDefault(r => r.Workload == workload && r.Figure == figure);
        if (row is null) _rows.Add(row = new Row(workload, figure));
        row.Better ??= better;
        return row;
    }

    private sealed class Row(string workload, string figure)
    {
        public string Workload { get; } = workload;
        public string Figure { get; } = figure;
        public Better? Better { get; set; }
        public Dictionary<string, Cell> Cells { get; } = [];
        public string? Target { get; set; }
        public bool? Met { get; set; }
    }
}
