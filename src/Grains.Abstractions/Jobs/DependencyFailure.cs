namespace OrleansJobs.Jobs;

/// <summary>What a job waiting for its dependencies does when one of them fails or is cancelled.</summary>
public enum DependencyFailure
{
    /// <summary>The job fails, with an error naming the dependency.</summary>
    Fail,
    /// <summary>The job is cancelled.</summary>
    Cancel,
}
