namespace OrleansJobs.Schedules;

public static class ScheduleKeys
{
    /// <summary>Names look like queue names: 1 to 100 letters, digits, '.', '_' and '-'.</summary>
    public const int MaxNameLength = 100;

    private const string Prefix = "schedule_";

    /// <summary>The grain key of a schedule: prefixed, because keys that look like hex numbers collide in the ADO.NET storage.</summary>
    public static string GrainKey(string name) => Prefix + name;

    public static string Name(string grainKey) => grainKey[Prefix.Length..];
}
