namespace OrleansJobs.Client;

/// <summary>
/// Runs one leased job in a .NET worker (<see cref="OrleansJobsWorkerOptions.Handle"/>). What it returns becomes the
/// job's result (serialized as JSON; null for none). An exception fails the attempt, which the job's retry policy
/// retries, unless it is a <see cref="NonRetryableJobException"/>.
/// </summary>
/// <param name="lease">The job and its lease.</param>
/// <param name="context">Progress reports, and whether the service asked the handler to stop.</param>
/// <param name="cancellationToken">Cancelled when the job is cancelled or times out, the lease is lost, or the worker stops and its stop timeout passes.</param>
/// <returns>The job's result, or null.</returns>
public delegate Task<object?> WorkerJobHandler(JobLease lease, IWorkerJobContext context, CancellationToken cancellationToken);
