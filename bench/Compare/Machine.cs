namespace OrleansJobs.Bench.Compare;

public static class Machine
{
    /// <summary>MemTotal of /proc/meminfo.</summary>
    public static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0;
    }

    /// <summary>
    /// CPU time the whole machine has spent busy (user, nice, system, irq, softirq and steal of /proc/stat's first
    /// line), in seconds: every process counts, the load generator's included.
    /// </summary>
    public static double BusyCpuSeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => fields.Length > i ? long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture) : 0;
        // cpu user nice system idle iowait irq softirq steal
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return busy / (double)ClockTicksPerSecond;
    }

    /// <summary>USER_HZ: 100 on every Linux architecture .NET runs on.</summary>
    public const int ClockTicksPerSecond = 100;
}
