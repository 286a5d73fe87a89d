namespace OrleansJobs.Jobs;

/// <summary>Where job events flow: one Orleans stream per job.</summary>
public static class JobStreams
{
    /// <summary>The stream provider's name.</summary>
    public const string Provider = "job-events";

    /// <summary>The stream namespace; the stream key is the job id.</summary>
    public const string Namespace = "job";
}
