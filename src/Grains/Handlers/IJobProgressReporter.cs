namespace OrleansJobs.Handlers;

/// <summary>Lets a handler report how far it has got. Cheap to call often: reports are coalesced.</summary>
public interface IJobProgressReporter
{
    void Report(double? percent, string? message = null);
}
