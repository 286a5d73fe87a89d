namespace OrleansJobs.Client;

/// <summary>No schedule has the name (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="name">The name that was asked for.</param>
public sealed class ScheduleNotFoundException(JobProblem problem, string name) : OrleansJobsException(problem)
{
    /// <summary>The name that was asked for.</summary>
    public string Name { get; } = name;
}
