using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>State on the stock ADO.NET provider, registered as "adonet" in the test silo.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task Save(string text);
    Task<string?> Load();
    Task Clear();
}
