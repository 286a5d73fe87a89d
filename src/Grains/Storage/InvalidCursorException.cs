namespace OrleansJobs.Storage;

/// <summary>The cursor passed to <see cref="IJobStore.ListAsync"/> was not one the store produced.</summary>
public sealed class InvalidCursorException(string message) : Exception(message);
