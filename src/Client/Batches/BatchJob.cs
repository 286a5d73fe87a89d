namespace OrleansJobs.Client;

/// <summary>One job of a batch, or its continuation, to submit with <see cref="IOrleansJobsClient.SubmitBatchAsync"/>.</summary>
/// <param name="Type">The job type: the name of a handler registered in the silo.</param>
/// <param name="Payload">What the handler gets, serialized with <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>; null for none.</param>
/// <param name="Options">How to run the job; null for the service's defaults. Its <see cref="SubmitOptions.IdempotencyKey"/> must be null: a batch's jobs take their ids from the batch.</param>
public sealed record BatchJob(string Type, object? Payload = null, SubmitOptions? Options = null);
