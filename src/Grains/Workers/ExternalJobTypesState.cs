namespace OrleansJobs.Workers;

[GenerateSerializer]
public sealed class ExternalJobTypesState
{
    [Id(0)] public List<string> Types { get; set; } = [];
}
