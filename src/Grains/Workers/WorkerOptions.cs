namespace OrleansJobs.Workers;

/// <summary>External workers: the job types that workers outside the cluster lease over HTTP (<c>OrleansJobs:Workers</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "OrleansJobs:Workers";

    /// <summary>Job types run by external workers. A submit of one is accepted whether or not a worker is connected.</summary>
    public List<string> Types { get; set; } = [];
}
