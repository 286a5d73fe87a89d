namespace OrleansJobs.Bench.Compare;

/// <summary>
/// Readings of several kinds of silo set against the host probe (<see cref="HostProbe"/>): a least-squares fit of each
/// reading (a burst's silo CPU per job) on the probe's reading during it and on the kind of silo, one line per kind with
/// a common slope. Each kind's difference from kind 0 is then taken at the same probe reading, so a burst that met a
/// slow host no longer counts against its kind, and its standard error says what the rounds can resolve.
/// </summary>
public sealed record ProbeFit(double Intercept, double Slope, double MeanProbe, IReadOnlyList<double> Differences, IReadOnlyList<double> StandardErrors)
{
    /// <summary>Kind 0's reading at the mean probe reading of all the bursts.</summary>
    public double ReferenceAtMean => Intercept + Slope * MeanProbe;

    /// <summary>
    /// What kind 0 costs over <paramref name="kind"/> at the same probe reading, in % of <paramref name="kind"/>'s
    /// reading, and one standard error of it; NaN when the readings cannot say.
    /// </summary>
    public (double Percent, double StandardError) CostOver(int kind)
    {
        var other = ReferenceAtMean + Differences[kind];
        return (100 * -Differences[kind] / other, 100 * StandardErrors[kind] / other);
    }

    /// <summary>
    /// Fits <paramref name="readings"/> (kind from 0 to <paramref name="kinds"/> − 1, the probe's reading, the value).
    /// Null when there are too few readings for the fit to leave any freedom (at least kinds + 2 are needed), when a
    /// kind has none, or when the probe never moved.
    /// </summary>
    public static ProbeFit? Of(IReadOnlyList<(int Kind, double Probe, double Value)> readings, int kinds)
    {
        var usable = readings.Where(r => double.IsFinite(r.Probe) && double.IsFinite(r.Value)).ToList();
        var parameters = kinds + 1; // intercept, slope, and a difference for each kind but the first
        if (usable.Count <= parameters || Enumerable.Range(0, kinds).Any(k => usable.All(r => r.Kind != k))) return null;
        double[] Row((int Kind, double Probe, double Value) r) =>
            [1, r.Probe, .. Enumerable.Range(1, kinds - 1).Select(k => r.Kind == k ? 1.0 : 0.0)];

        var normal = new double[parameters, parameters];
        var right = new double[parameters];
        foreach (var reading in usable)
        {
            var row = Row(reading);
            for (var i = 0; i < parameters; i++)
            {
                right[i] += row[i] * reading.Value;
                for (var j = 0; j < parameters; j++) normal[i, j] += row[i] * row[j];
            }
        }
        if (Inverse(normal) is not { } inverse) return null;
        var beta = Enumerable.Range(0, parameters).Select(i => Enumerable.Range(0, parameters).Sum(j => inverse[i, j] * right[j])).ToArray();
        var residuals = usable.Sum(r => Math.Pow(r.Value - Row(r).Select((x, i) => x * beta[i]).Sum(), 2));
        var variance = residuals / (usable.Count - parameters);
        double Error(int i) => Math.Sqrt(variance * inverse[i, i]);
        return new ProbeFit(beta[0], beta[1], usable.Average(r => r.Probe),
            [0, .. Enumerable.Range(2, kinds - 1).Select(i => beta[i])], [0, .. Enumerable.Range(2, kinds - 1).Select(Error)]);
    }

    /// <summary>Gauss–Jordan elimination with partial pivoting; null for a singular matrix (the probe never moved).</summary>
    private static double[,]? Inverse(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var work = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) work[i, j] = matrix[i, j];
            work[i, n + i] = 1;
        }
        var tiny = 1e-10 * Enumerable.Range(0, n).Max(i => Math.Abs(matrix[i, i]));
        for (var column = 0; column < n; column++)
        {
            var pivot = Enumerable.Range(column, n - column).MaxBy(r => Math.Abs(work[r, column]));
            if (Math.Abs(work[pivot, column]) <= tiny) return null;
            for (var j = 0; j < 2 * n; j++) (work[column, j], work[pivot, j]) = (work[pivot, j], work[column, j]);
            var scale = work[column, column];
            for (var j = 0; j < 2 * n; j++) work[column, j] /= scale;
            for (var r = 0; r < n; r++)
            {
                if (r == column || work[r, column] == 0) continue;
                var factor = work[r, column];
                for (var j = 0; j < 2 * n; j++) work[r, j] -= factor * work[column, j];
            }
        }
        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++) inverse[i, j] = work[i, n + j];
        return inverse;
    }
}
