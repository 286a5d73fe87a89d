namespace OrleansJobs.Bench.Compare;

public static class Machine
{
    /// <summary>MemTotal of /proc/meminfo.</summary>
    public static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0;
    }
}
