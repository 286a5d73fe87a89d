using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers;

/// <summary>
/// Runs one attempt of a job type whose payload is a <typeparamref name="TPayload"/>, bound and validated at submit as
/// for <see cref="IJobHandler{TPayload}"/>, and whose result is a <typeparamref name="TResult"/>: it is serialized with
/// the API's JSON (camelCase, enums as strings) and shown as the job's <c>result</c>.
/// Registered like any handler, with <c>services.AddJobHandler&lt;T&gt;("type")</c>.
/// </summary>
public interface IJobHandler<TPayload, TResult> : IJobHandler
{
    /// <summary>Runs one attempt and returns the job's result; failing and cancelling work as for <see cref="IJobHandler"/>.</summary>
    Task<TResult> ExecuteAsync(TPayload payload, JobContext context);

    async Task<JsonNode?> IJobHandler.ExecuteAsync(JobContext context) =>
        JobPayloadBinder.ToResult(await ExecuteAsync(JobPayloadBinder.BindStored<TPayload>(context), context));
}
