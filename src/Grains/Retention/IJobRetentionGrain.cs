namespace OrleansJobs.Retention;

/// <summary>Deletes finished jobs past their <see cref="RetentionOptions"/> age; one activation for the cluster (key 0).</summary>
public interface IJobRetentionGrain : IGrainWithIntegerKey
{
    /// <summary>Keeps the grain active (its timer does the deleting).</summary>
    Task Ping();
}
