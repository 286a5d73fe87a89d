using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;

namespace OrleansJobs.Tests.Grains.Retention;

/// <summary>
/// Retention leaves nothing of a deleted job behind: its completion callback's delivery record and its batch's record,
/// both kept in Orleans' grain storage, go with it. Checked in the storage table itself, on SQLite and on PostgreSQL.
/// </summary>
[Trait("Kind", "Process")]
public sealed class RetentionLeftoversProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string[] ShortRetention(HttpTarget target) =>
    [
        "--OrleansJobs:Retention:Succeeded=3s",
        "--OrleansJobs:Retention:Interval=00:00:00.5",
        $"--OrleansJobs:Http:AllowedHosts=127.0.0.1:{target.BaseAddress.Port}",
    ];

    [Fact]
    public async Task On_sqlite_the_callback_and_batch_records_of_deleted_jobs_are_deleted_from_grain_storage()
    {
        await using var target = new HttpTarget();
        await target.InitializeAsync();
        await using var silo = await SiloProcess.StartReadyAsync(ShortRetention(target));

        await ShowsNothingLeftAsync(silo, target, () => new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(silo.DataDirectory, "orleansjobs.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString()));
    }

    [Fact]
    public async Task On_postgresql_the_callback_and_batch_records_of_deleted_jobs_are_deleted_from_grain_storage()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        await using var target = new HttpTarget();
        await target.InitializeAsync();
        await using var silo = ClusterSilos.StartSilo(database.ConnectionString, ShortRetention(target));
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        await ShowsNothingLeftAsync(silo, target, () => new NpgsqlConnection(database.ConnectionString));
    }

    private static async Task ShowsNothingLeftAsync(SiloProcess silo, HttpTarget target, Func<DbConnection> connect)
    {
        var (url, name) = target.Answering(200);
        var called = await SubmitAsync(silo.Http, new { type = "noop", callbackUrl = url });
        using var created = await silo.Http.PostAsJsonAsync("/api/batches", new { jobs = new[] { new { type = "noop" }, new { type = "noop" } } }, Token);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var batch = (await created.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;

        // Both records are written before anything is deleted: the callback once delivered, the batch once done.
        await Eventually.Until(async () => target.Calls(name) == 1 && await RowsAsync(connect, "callback", called) == 1 && await RowsAsync(connect, "batch", batch) == 1,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250), "the callback was not delivered or its record, or the batch's, was not stored");

        await Eventually.Until(async () => await RowsAsync(connect, "callback", called) == 0 && await RowsAsync(connect, "batch", batch) == 0,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250), "retention left the callback's or the batch's record in grain storage");
        using var job = await silo.Http.GetAsync($"/api/jobs/{called}", Token);
        using var gone = await silo.Http.GetAsync($"/api/batches/{batch}", Token);
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(1, target.Calls(name));
    }

    /// <summary>Rows of Orleans' grain storage for the state <paramref name="stateName"/> of the grain keyed <paramref name="key"/>.</summary>
    private static async Task<long> RowsAsync(Func<DbConnection> connect, string stateName, string key)
    {
        await using var connection = connect();
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = @state AND GrainIdExtensionString = @key";
        foreach (var (parameter, value) in new[] { ("state", stateName), ("key", key) })
        {
            var p = command.CreateParameter();
            p.ParameterName = parameter;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token));
    }
}
