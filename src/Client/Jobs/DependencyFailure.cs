namespace OrleansJobs.Client;

/// <summary>What a job waiting for its <see cref="SubmitOptions.DependsOn"/> does when one of them fails or is cancelled.</summary>
public enum DependencyFailure
{
    /// <summary>The job fails without running, with an error naming the dependency.</summary>
    Fail,

    /// <summary>The job is cancelled without running.</summary>
    Cancel,
}
