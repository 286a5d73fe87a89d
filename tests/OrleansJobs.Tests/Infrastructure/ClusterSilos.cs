using Npgsql;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Clusters of silo processes on one PostgreSQL database, as the clustered mode runs them.</summary>
public static class ClusterSilos
{
    /// <summary>A silo of the cluster on <paramref name="connectionString"/>; <paramref name="args"/> come last, so they win.</summary>
    public static SiloProcess StartSilo(string connectionString, params string[] args) => Start(SiloProcessOptions.Silo, connectionString, args);

    /// <summary>A process of <paramref name="assembly"/> (<see cref="SiloProcessOptions.TestApp"/>, say) joining the cluster on <paramref name="connectionString"/>.</summary>
    public static SiloProcess Start(string assembly, string connectionString, params string[] args) =>
        SiloProcess.Start(new SiloProcessOptions
        {
            Assembly = assembly,
            Args =
            [
                $"--ConnectionStrings:OrleansJobs={connectionString}",
                "--OrleansJobs:AdvertisedHost=127.0.0.1",
                "--OrleansJobs:SweepInterval=00:00:01",
                .. args,
            ],
        });

    /// <summary>A cluster of <paramref name="size"/> silos, each started with <paramref name="args"/>, once all are active.</summary>
    public static async Task<List<SiloProcess>> StartClusterAsync(string connectionString, int size, params string[] args)
    {
        // Started together, as a deployment would: they race to apply the schema and to join.
        var silos = Enumerable.Range(0, size).Select(_ => StartSilo(connectionString, args)).ToList();
        await Task.WhenAll(silos.Select(silo => silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90))));
        await Eventually.Until(async () => await ActiveSilosAsync(connectionString) == size,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250), $"{size} silos did not all become active in the membership table");
        return silos;
    }

    private static async Task<long> ActiveSilosAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        // 3 = SiloStatus.Active
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3", connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
