namespace OrleansJobs.Tests.Infrastructure;

/// <summary>How <see cref="GreetingJobHandler"/> greets: an enum, so the tests see it bound and answered as a name.</summary>
public enum GreetingTone
{
    Polite,
    Cheerful,
}
