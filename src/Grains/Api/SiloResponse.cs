namespace OrleansJobs.Api;

/// <summary>One silo of the cluster as membership sees it.</summary>
/// <param name="Address">Its silo address (<c>S10.0.0.5:11111:155442847</c>).</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Status">Its membership status (<c>Active</c>, <c>Joining</c>, <c>ShuttingDown</c>, …).</param>
public sealed record SiloResponse(string Address, string Name, string Status);
