using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace OrleansJobs.Placement;

/// <summary>
/// Tells placement which type a job is before its grain exists: a caller that knows it puts it in the
/// <see cref="RequestContext"/> for its first call to the job's grain. The hint names the job too, and counts only for
/// that job's grain: a request context flows on into every call the job then makes, to other jobs' grains included.
/// </summary>
public static class JobTypeHint
{
    /// <summary>The request context key: the job's id, a space, its type (neither may hold a space).</summary>
    public const string Key = "orleansjobs.job-type";

    /// <summary>The grain type of job grains.</summary>
    public static readonly GrainType JobGrain = GrainType.Create("job");

    /// <summary>The grain type of <see cref="IJobTypeGrain"/>, whose key is the job type itself.</summary>
    public static readonly GrainType JobTypeGrain = GrainType.Create("job-type");

    /// <summary>Puts the hint for job <paramref name="jobId"/> in the request context until disposed, then puts back what was there.</summary>
    public static IDisposable Set(string jobId, string type)
    {
        var previous = RequestContext.Get(Key);
        RequestContext.Set(Key, $"{jobId} {type}");
        return new Restore(previous);
    }

    /// <summary>The job type <paramref name="target"/> is placed for: a job type grain's key, or a job grain's hint; null when unknown.</summary>
    public static string? TypeOf(PlacementTarget target) => TypeOf(target.GrainIdentity, target.RequestContextData?.GetValueOrDefault(Key) as string);

    /// <summary>The job type of grain <paramref name="grain"/> given the hint found with the call (null for none).</summary>
    public static string? TypeOf(GrainId grain, string? hint)
    {
        if (grain.Type.Equals(JobTypeGrain)) return grain.Key.ToString();
        if (!grain.Type.Equals(JobGrain) || hint is null) return null;
        var space = hint.IndexOf(' ');
        return space > 0 && hint.AsSpan(0, space).SequenceEqual(grain.Key.ToString()) ? hint[(space + 1)..] : null;
    }

    private sealed class Restore(object? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null) RequestContext.Remove(Key);
            else RequestContext.Set(Key, previous);
        }
    }
}
