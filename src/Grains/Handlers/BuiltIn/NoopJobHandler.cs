using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>Completes at once with no result: measures the job machinery alone.</summary>
public sealed class NoopJobHandler : IJobHandler
{
    public const string Type = "noop";

    public Task<JsonNode?> ExecuteAsync(JobContext context) => Task.FromResult<JsonNode?>(null);
}
