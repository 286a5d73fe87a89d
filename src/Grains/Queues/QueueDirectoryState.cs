namespace OrleansJobs.Queues;

[GenerateSerializer]
public sealed class QueueDirectoryState
{
    [Id(0)] public Dictionary<string, QueueSettings> Queues { get; set; } = new(StringComparer.Ordinal);
}
