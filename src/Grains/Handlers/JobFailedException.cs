namespace OrleansJobs.Handlers;

/// <summary>Thrown by a handler to fail an attempt with a chosen retry decision.</summary>
public class JobFailedException(string message, bool retryable = true, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
