namespace OrleansJobs.Server.Live;

/// <summary>The methods the hub calls on its clients.</summary>
public interface IJobsHubClient
{
    Task JobEvent(JobEventMessage jobEvent);
}
