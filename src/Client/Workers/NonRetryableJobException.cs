namespace OrleansJobs.Client;

/// <summary>
/// Thrown by a worker's handler (<see cref="WorkerJobHandler"/>) to fail the job for good: the attempt is reported as
/// not retryable, so the job fails (or goes to its dead letter) whatever attempts it has left.
/// </summary>
public sealed class NonRetryableJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the job cannot succeed; recorded as the attempt's error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NonRetryableJobException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
