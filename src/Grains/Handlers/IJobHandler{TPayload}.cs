using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers;

/// <summary>
/// Runs one attempt of a job type whose payload is a <typeparamref name="TPayload"/>, and leaves the job no result
/// (<see cref="IJobHandler{TPayload, TResult}"/> returns one). Registered like any handler, with
/// <c>services.AddJobHandler&lt;T&gt;("type")</c>.
/// </summary>
/// <remarks>
/// The payload is bound and validated when the job is submitted: a payload that does not fit
/// <typeparamref name="TPayload"/>, or breaks one of its DataAnnotations attributes (<c>[Required]</c>, <c>[Range]</c>,
/// <see cref="DurationAttribute"/>, ...) or its own <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
/// rules, is refused with a 400 naming the field, and no job is created. See <see cref="JobPayloadBinder"/> for the rules.
/// </remarks>
public interface IJobHandler<TPayload> : IJobHandler
{
    /// <summary>
    /// Runs one attempt. <paramref name="payload"/> is bound again from the stored JSON and validated as at submit; a job
    /// without a payload gets one with every member at its default. Failing and cancelling work as for <see cref="IJobHandler"/>.
    /// </summary>
    Task ExecuteAsync(TPayload payload, JobContext context);

    async Task<JsonNode?> IJobHandler.ExecuteAsync(JobContext context)
    {
        await ExecuteAsync(JobPayloadBinder.BindStored<TPayload>(context), context);
        return null;
    }
}
