using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Register(string name);
    Task<string[]> List();
    Task<bool> Has(string name);
    Task Unregister(string name);
}
