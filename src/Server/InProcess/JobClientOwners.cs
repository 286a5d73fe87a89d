using OrleansJobs.Client;

namespace OrleansJobs.Server.InProcess;

/// <summary>Acting for an owner through the <see cref="IJobClient"/> an application injects.</summary>
public static class JobClientOwners
{
    /// <summary>
    /// The in-process client acting for <paramref name="owner"/> (<see cref="InProcessJobClient.ForOwner"/>). Only the
    /// in-process client can: the HTTP client acts as the owner of the API key it presents, whatever the code says.
    /// </summary>
    public static IJobClient ForOwner(this IJobClient client, string owner) =>
        client is InProcessJobClient local
            ? local.ForOwner(owner)
            : throw new InvalidOperationException(
                $"Only the in-process job client acts for an owner; this {client.GetType().Name} acts as the owner of its API key.");
}
