using Npgsql;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Silo;

/// <summary><c>OrleansJobs.Silo.dll migrate</c>: the schema for operators who migrate before they deploy.</summary>
[Trait("Kind", "Process")]
public sealed class MigrateCommandTests
{
    private static Task<(int ExitCode, string Output, string Error)> MigrateAsync(params string[] args) =>
        Tools.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", AppContext.BaseDirectory,
            [Path.Combine(AppContext.BaseDirectory, "OrleansJobs.Silo.dll"), "migrate", .. args], "the dotnet host is needed", TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Migrate_creates_the_postgres_schema_and_a_second_run_changes_nothing()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();

        var first = await MigrateAsync($"--ConnectionStrings:OrleansJobs={database.ConnectionString}");
        var second = await MigrateAsync($"--ConnectionStrings:OrleansJobs={database.ConnectionString}");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("PostgreSQL schema is up to date", first.Output);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var scripts = new NpgsqlCommand("SELECT count(*), max(version) FROM schema_version", connection);
        await using var reader = await scripts.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        var embedded = typeof(OrleansJobs.Storage.PostgresSchema).Assembly.GetManifestResourceNames()
            .Count(name => name.StartsWith("OrleansJobs.Storage.Postgres.", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal));
        Assert.True(embedded >= 9, $"only {embedded} PostgreSQL scripts embedded");
        Assert.Equal((embedded, embedded), ((int)reader.GetInt64(0), reader.GetInt32(1)));
    }

    [Fact]
    public async Task Migrate_without_a_connection_string_prepares_the_embedded_database()
    {
        var data = Directory.CreateTempSubdirectory("orleansjobs-migrate-");
        try
        {
            var result = await MigrateAsync($"--OrleansJobs:DataDirectory={data.FullName}");

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("SQLite schema is up to date", result.Output);
            Assert.True(File.Exists(Path.Combine(data.FullName, "orleansjobs.db")));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
