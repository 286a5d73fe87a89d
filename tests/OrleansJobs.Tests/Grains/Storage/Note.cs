using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

[GenerateSerializer]
public sealed class Note
{
    [Id(0)] public string Text { get; set; } = "";
}
