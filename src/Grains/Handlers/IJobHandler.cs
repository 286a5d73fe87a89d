using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers;

/// <summary>
/// Runs one attempt of a job type, reading the payload as it likes (<see cref="JobContext.GetPayload{T}"/>). Registered
/// with <c>services.AddJobHandler&lt;T&gt;("type")</c>. Prefer <see cref="IJobHandler{TPayload}"/> or
/// <see cref="IJobHandler{TPayload, TResult}"/>, whose payload is validated when the job is submitted.
/// Throw to fail the attempt (it is retried under the job's policy); throw <see cref="JobFailedException"/>
/// with <c>retryable: false</c> to fail the job at once. Honour <see cref="JobContext.CancellationToken"/>:
/// it fires on cancel, timeout and shutdown.
/// </summary>
public interface IJobHandler
{
    Task<JsonNode?> ExecuteAsync(JobContext context);
}
